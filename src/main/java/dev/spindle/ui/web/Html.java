package dev.spindle.ui.web;

import java.util.List;
import java.util.Locale;

/** Small pieces of HTML: escaping, cells, sizes and durations as people read them. */
final class Html {
    private Html() {
    }

    static String escape(Object value) {
        if (value == null) {
            return "";
        }
        String text = value.toString();
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** A table with a header row; {@code rows} are already-rendered {@code <tr>} elements. */
    static String table(String cssClass, List<String> headers, List<String> rows) {
        StringBuilder out = new StringBuilder("<table class=\"").append(cssClass).append("\"><thead><tr>");
        headers.forEach(h -> out.append("<th>").append(escape(h)).append("</th>"));
        out.append("</tr></thead><tbody>");
        rows.forEach(out::append);
        return out.append("</tbody></table>").toString();
    }

    /** A row of cells whose contents are already HTML. */
    static String row(String... cells) {
        StringBuilder out = new StringBuilder("<tr>");
        for (String cell : cells) {
            out.append("<td>").append(cell).append("</td>");
        }
        return out.append("</tr>").toString();
    }

    /** A relative link: the UI may live under a proxy's path prefix. */
    static String link(String relativeHref, String text) {
        return "<a href=\"" + escape(relativeHref) + "\">" + escape(text) + "</a>";
    }

    static String bytes(double value) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int unit = 0;
        while (Math.abs(value) >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? String.format(Locale.ROOT, "%.0f B", value)
                : String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    static String millis(double value) {
        if (value < 1000) {
            return String.format(Locale.ROOT, "%.0f ms", value);
        } else if (value < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", value / 1000);
        } else if (value < 3_600_000) {
            return String.format(Locale.ROOT, "%.1f min", value / 60_000);
        }
        return String.format(Locale.ROOT, "%.1f h", value / 3_600_000);
    }
}
