package io.truenasgitops.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The reference of {@link CliProcessBenchmark}: the least a client must do for {@code apps list}, as its own
 * process: connect a WebSocket (the JDK's), log in with the API key, one {@code app.query}, print name and state
 * of each app. JSON-RPC by hand, the answer parsed with Jackson. Needs nothing but the JDK and Jackson:
 *
 * <pre>
 * java -cp target/test-classes:JACKSON_JARS io.truenasgitops.bench.PlainAppsList wss://127.0.0.1:PORT/api/current API_KEY
 * </pre>
 */
public final class PlainAppsList {

    private PlainAppsList() {}

    public static void main(String... args) throws Exception {
        ObjectMapper json = new ObjectMapper();
        // the emulator's certificate is self-signed and on loopback: the reference skips the checks the project's
        // client does with a pinned fingerprint (both pay for the same TLS handshake and record layer)
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, new TrustManager[] {new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] chain, String type) {}

            public void checkServerTrusted(X509Certificate[] chain, String type) {}

            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, new SecureRandom());
        System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
        HttpClient http = HttpClient.newBuilder().sslContext(tls).build();
        StringBuilder frame = new StringBuilder();
        CompletableFuture<String>[] answer = new CompletableFuture[1];
        WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create(args[0]), new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                frame.append(data);
                if (last) {
                    String text = frame.toString();
                    frame.setLength(0);
                    answer[0].complete(text);
                }
                ws.request(1);
                return null;
            }
        }).join();
        answer[0] = new CompletableFuture<>();
        socket.sendText("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"auth.login_with_api_key\",\"params\":[\""
                + args[1] + "\"]}", true).join();
        if (!json.readTree(answer[0].get(60, TimeUnit.SECONDS)).path("result").asBoolean(false)) {
            System.err.println("login refused");
            System.exit(3);
        }
        answer[0] = new CompletableFuture<>();
        socket.sendText("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"app.query\",\"params\":[[],{}]}", true).join();
        JsonNode apps = json.readTree(answer[0].get(60, TimeUnit.SECONDS)).path("result");
        StringBuilder out = new StringBuilder(String.format("%-20s %s%n", "NAME", "STATE"));
        for (JsonNode app : apps) {
            out.append(String.format("%-20s %s%n", app.path("name").asText(), app.path("state").asText()));
        }
        System.out.print(out);
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
        System.exit(0);
    }
}
