package dev.vigil.alerts;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.Locale;

/**
 * Pacemaker's {@code timestamp-format}: strftime(3) conversions plus its own {@code %N} for the
 * fraction of the second, {@code %3N} or {@code %03N} giving that many digits (9 without a
 * count). The conversions operators write in timestamp formats are supported; any other is kept
 * as written, as glibc does with one it does not know.
 */
final class Strftime {
    private Strftime() {}

    static String format(String pattern, Instant at, ZoneId zone) {
        ZonedDateTime t = at.atZone(zone);
        var out = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c != '%' || i + 1 == pattern.length()) {
                out.append(c);
                continue;
            }
            int j = i + 1;
            while (j < pattern.length() && Character.isDigit(pattern.charAt(j))) {
                j++;
            }
            char conv = pattern.charAt(Math.min(j, pattern.length() - 1));
            if (j > i + 1 && (j == pattern.length() || conv != 'N')) {
                out.append(pattern, i, Math.min(j + 1, pattern.length())); // a width on anything but %N
                i = j;
                continue;
            }
            if (conv == 'N') {
                int digits = j > i + 1 ? Math.min(9, Math.max(1, Integer.parseInt(pattern.substring(i + 1, j)))) : 9;
                String nanos = String.format("%09d", t.getNano());
                out.append(nanos, 0, digits);
                i = j;
                continue;
            }
            i = j;
            switch (conv) {
                case 'Y' -> out.append(String.format("%04d", t.getYear()));
                case 'y' -> out.append(String.format("%02d", t.getYear() % 100));
                case 'm' -> out.append(String.format("%02d", t.getMonthValue()));
                case 'd' -> out.append(String.format("%02d", t.getDayOfMonth()));
                case 'e' -> out.append(String.format("%2d", t.getDayOfMonth()));
                case 'H' -> out.append(String.format("%02d", t.getHour()));
                case 'M' -> out.append(String.format("%02d", t.getMinute()));
                case 'S' -> out.append(String.format("%02d", t.getSecond()));
                case 'j' -> out.append(String.format("%03d", t.getDayOfYear()));
                case 'b' -> out.append(t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ROOT));
                case 'a' -> out.append(t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ROOT));
                case 's' -> out.append(t.toEpochSecond());
                case 'z' -> out.append(t.getOffset().getId().equals("Z") ? "+0000" : t.getOffset().getId().replace(":", ""));
                case 'Z' -> out.append(t.getZone().getDisplayName(TextStyle.SHORT, Locale.ROOT));
                case 'F' -> out.append(String.format("%04d-%02d-%02d", t.getYear(), t.getMonthValue(), t.getDayOfMonth()));
                case 'T' -> out.append(String.format("%02d:%02d:%02d", t.getHour(), t.getMinute(), t.getSecond()));
                case '%' -> out.append('%');
                default -> out.append('%').append(conv);
            }
        }
        return out.toString();
    }
}
