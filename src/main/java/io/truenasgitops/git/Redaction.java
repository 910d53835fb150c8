package io.truenasgitops.git;

import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Keeps credentials out of every string this package shows: URLs in messages, settings, snapshots. */
final class Redaction {

    /** {@code scheme://userinfo@}: the userinfo part of a URL with an authority. */
    private static final Pattern URL_USERINFO = Pattern.compile("\\b([A-Za-z][A-Za-z0-9+.-]*://)([^/@\\s]*)@");

    private Redaction() {}

    /**
     * The URL as it may be shown: for http(s) and other schemes the whole userinfo is dropped (a token is
     * often passed as the user name); for ssh the user name is kept (it is not a secret, and people need it
     * to recognise the URL) but a password is dropped. scp-like {@code user@host:path} cannot carry a
     * password and is kept.
     */
    static String url(String url) {
        return url == null ? null : text(url);
    }

    /** {@code text} with the userinfo of every URL in it redacted as {@link #url(String)} does. */
    static String text(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = URL_USERINFO.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String scheme = m.group(1);
            String userinfo = m.group(2);
            String replacement;
            if (scheme.toLowerCase(java.util.Locale.ROOT).startsWith("ssh")) {
                int colon = userinfo.indexOf(':');
                String user = colon >= 0 ? userinfo.substring(0, colon) : userinfo;
                replacement = scheme + (user.isEmpty() ? "" : user + "@");
            } else {
                replacement = scheme;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** {@code text} with URL userinfo redacted and every non-blank secret replaced by {@code ***}. */
    static String text(String text, Collection<String> secrets) {
        String result = text(text);
        if (result == null) {
            return null;
        }
        for (String secret : secrets) {
            if (secret != null && !secret.isBlank()) {
                result = result.replace(secret, "***");
            }
        }
        return result;
    }
}
