package io.truenasgitops.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The middleware's methods by name and the checks before a call runs ({@code get_method},
 * {@code authorize_method_call}, the rate limit of unauthenticated calls, injected latency).
 */
final class MethodRegistry {

    @FunctionalInterface
    interface Handler {
        JsonNode call(Session session, ArrayNode params);
    }

    /**
     * One method. {@code privateFrom}: the API version from which it is private ({@code removed_in}, e.g.
     * {@code v27.0.0}), or null.
     */
    record MethodDef(String name, boolean noAuth, boolean rateLimited, Handler handler, String privateFrom) {
        MethodDef(String name, boolean noAuth, boolean rateLimited, Handler handler) {
            this(name, noAuth, rateLimited, handler, null);
        }
    }

    /** What a {@link MethodArea} registers its methods with, for one release. */
    static final class Registration {
        private final Release release;
        private final Map<String, MethodDef> methods = new HashMap<>();

        private Registration(Release release) {
            this.release = release;
        }

        Release release() {
            return release;
        }

        /** A method that needs an authenticated session. */
        void def(String name, Handler handler) {
            methods.put(name, new MethodDef(name, false, false, handler));
        }

        /** A method an anonymous session may call ({@code no_auth_required}), rate limited before login or not. */
        void noAuth(String name, boolean rateLimited, Handler handler) {
            methods.put(name, new MethodDef(name, true, rateLimited, handler));
        }

        /**
         * Marks a method registered earlier as removed from the API at {@code apiVersion} ({@code removed_in}):
         * {@code main.py _create_api} makes it private in that API version and later ones; older API versions keep
         * it public.
         */
        void removedIn(String name, String apiVersion) {
            MethodDef def = methods.get(name);
            if (def != null) {
                methods.put(name, new MethodDef(def.name(), def.noAuth(), def.rateLimited(), def.handler(), apiVersion));
            }
        }

        /**
         * The handler an area registered earlier under {@code name} (null: none), for an area that wraps another's
         * method; register the wrapping area after it in {@link Middleware}'s list.
         */
        Handler handler(String name) {
            MethodDef def = methods.get(name);
            return def == null ? null : def.handler();
        }
    }

    private final NasState nas;
    /** Replaced as a whole on an upgrade, so a lookup never sees a half-registered release. */
    private volatile Map<String, MethodDef> methods = Map.of();

    MethodRegistry(NasState nas) {
        this.nas = nas;
    }

    /** Registers every area's methods for the current release, replacing those of the previous one. */
    synchronized void install(List<MethodArea> areas) {
        Registration registration = new Registration(nas.release());
        areas.forEach(a -> a.register(registration));
        methods = Map.copyOf(registration.methods);
    }

    boolean hasMethod(String name) {
        return methods.containsKey(name);
    }

    /** get_method + authorize_method_call + latency + the call itself (on a worker thread). */
    JsonNode invoke(Session session, String method, ArrayNode params) {
        nas.callLog.record(method, session.protocol());
        MethodDef def = authorizeOnly(session, method);
        if (def.privateFrom() != null && session instanceof RpcSession && session.apiAtLeast(def.privateFrom())
                && !session.privateMethods()) {
            // api/base/server/ws_handler/rpc.py: a private method still runs ("FIXME: Eventually, prohibit this"),
            // with a warning in middlewared.log.
            nas.callLog.warn("Private method " + Py.repr(method) + " called on a connection without private_methods"
                    + " enabled");
        }
        Duration latency = nas.faults.latencyOf(method);
        if (!latency.isZero()) {
            NasState.sleep(latency);
        }
        nas.faults.awaitRelease(method);
        JsonNode result = def.handler().call(session, params);
        return result == null ? NullNode.instance : result;
    }

    MethodDef authorizeOnly(Session session, String method) {
        MethodDef def = methods.get(method);
        if (def == null) {
            int dot = method.lastIndexOf('.');
            String service = dot < 0 ? method : method.substring(0, dot);
            String attr = dot < 0 ? method : method.substring(dot + 1);
            boolean known = methods.keySet().stream().anyMatch(m -> m.startsWith(service + "."));
            throw new MiddlewareError.Call(Errno.ENOMETHOD, known
                    ? "Method " + Py.repr(attr) + " not found in " + Py.repr(service)
                    : "Service " + Py.repr(service) + " not found");
        }
        if (def.noAuth()) {
            if (session.authenticated() && nas.release() != Release.V24_10) {
                return def; // "Do not rate limit authenticated users" (25.04+)
            }
            // utils/rate_limit/cache.py: unix socket connections are never rate limited.
            if (def.rateLimited() && session.peerUid == null
                    && (nas.faults.takeRateLimitRefusal() || rateLimitExceeded(method, session.remoteAddress))) {
                Duration max = nas.options.rateLimitMaxSleep();
                if (max != null && !max.isZero()) {
                    long min = Math.min(1000, max.toMillis());
                    NasState.sleep(Duration.ofMillis(min + (long) (NasState.RANDOM.nextDouble() * (max.toMillis() - min))));
                }
                throw new MiddlewareError.Call(Errno.EBUSY, "Rate Limit Exceeded");
            }
            return def;
        }
        if (!session.authenticated()) {
            throw new MiddlewareError.Call(Errno.ENOTAUTHENTICATED, "Not authenticated");
        }
        return def;
    }

    private boolean rateLimitExceeded(String method, String address) {
        Deque<Long> calls = nas.rateLimit.computeIfAbsent(method + "|" + address, k -> new ArrayDeque<>());
        synchronized (calls) {
            long now = System.nanoTime();
            long window = nas.options.rateLimitWindow().toNanos();
            while (!calls.isEmpty() && now - calls.peekFirst() > window) {
                calls.pollFirst();
            }
            calls.addLast(now);
            return calls.size() > nas.options.rateLimitCalls();
        }
    }
}
