package io.truenasgitops.emulator;

import static io.truenasgitops.emulator.Params.arg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * {@code core.ping}, {@code core.set_options} and the {@code system.*} facts of the emulated box.
 */
final class SystemMethods implements MethodArea {
    private final NasState nas;

    SystemMethods(NasState nas) {
        this.nas = nas;
    }

    @Override
    public void register(MethodRegistry.Registration methods) {
        boolean v2510 = methods.release().atLeast(Release.V25_10);
        if (v2510) {
            // 25.10: authentication_required=False (and rate limited before login, like the logins).
            methods.noAuth("core.ping", true, (s, p) -> TextNode.valueOf("pong"));
        } else {
            methods.def("core.ping", (s, p) -> TextNode.valueOf("pong"));
        }
        methods.def("system.info", (s, p) -> systemInfo());
        methods.def("system.version", (s, p) -> TextNode.valueOf(nas.release().fullName()));
        methods.def("system.version_short", (s, p) -> TextNode.valueOf(nas.release().version()));
        if (methods.release().jsonRpc()) {
            methods.noAuth("core.set_options", false, (s, p) -> v2510 ? s.setOptions(arg(p, 0)) : NullNode.instance);
        }
    }

    private final long bootMillis = System.currentTimeMillis();

    /**
     * {@code system.info} (plugins/system/info.py): the same keys in 24.10, 25.04 and 25.10; {@code version} is
     * {@code system.version} on 24.10 and {@code system.version_short} from 25.04. Hardware values are fixed.
     */
    private JsonNode systemInfo() {
        long now = System.currentTimeMillis();
        double uptimeSeconds = (now - bootMillis) / 1000.0;
        ObjectNode out = Json.object();
        out.put("version", nas.release() == Release.V24_10 ? nas.release().fullName() : nas.release().version());
        out.set("buildtime", Json.date(BUILD_TIME));
        out.put("hostname", "truenas");
        out.put("physmem", 34_359_738_368L);
        out.put("model", "Emulated CPU @ 2.40GHz");
        out.put("cores", 4);
        out.put("physical_cores", 2);
        ArrayNode load = out.putArray("loadavg");
        load.add(0.12).add(0.08).add(0.05);
        out.put("uptime", pythonTimedelta(uptimeSeconds));
        out.put("uptime_seconds", uptimeSeconds);
        out.put("system_serial", "EMULATED0001");
        out.put("system_product", "TrueNAS Emulator");
        out.putNull("system_product_version");
        out.putNull("license");
        out.set("boottime", Json.date(bootMillis));
        out.set("datetime", Json.date(now));
        out.put("timezone", "Etc/UTC");
        out.put("system_manufacturer", "truenas-gitops");
        out.put("ecc_memory", false);
        return out;
    }

    /** A fixed build time (the manifest's), 2025-01-01T00:00:00Z. */
    private static final long BUILD_TIME = 1_735_689_600_000L;

    /** Python's {@code str(timedelta(seconds=s))}: {@code 2:03:04.567890}, {@code 1 day, 2:03:04.567890}. */
    static String pythonTimedelta(double seconds) {
        long micros = Math.round(seconds * 1_000_000);
        long days = micros / 86_400_000_000L;
        long rest = micros % 86_400_000_000L;
        long h = rest / 3_600_000_000L;
        long m = rest / 60_000_000L % 60;
        long sec = rest / 1_000_000 % 60;
        long us = rest % 1_000_000;
        String time = String.format("%d:%02d:%02d", h, m, sec) + (us == 0 ? "" : String.format(".%06d", us));
        return days == 0 ? time : days + (days == 1 ? " day, " : " days, ") + time;
    }
}
