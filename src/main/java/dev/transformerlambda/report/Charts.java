package dev.transformerlambda.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The report's charts as inline SVG: a line chart with axes and "nice" ticks, and a heat map. Plain
 * SVG rather than a charting library: a few hundred lines, no dependency in the function's image,
 * and a file that opens anywhere, offline.
 */
final class Charts {

    static final String ACCENT = "#2b6cb0";
    static final String SECOND = "#c05621";
    private static final String AXIS = "#4a5568";
    private static final String GRID = "#e2e8f0";

    private static final int WIDTH = 480;
    private static final int HEIGHT = 270;
    private static final int LEFT = 64;
    private static final int RIGHT = 16;
    private static final int TOP = 16;
    private static final int BOTTOM = 44;

    private Charts() {}

    /**
     * One point of a series.
     *
     * @param pointer the JSON pointer of the value in the manifest, or null
     * @param label the point's tooltip, ending with its value as the report shows it
     */
    record Point(double x, double y, String pointer, String label) {}

    /** A named line of points. */
    record Series(String name, String color, List<Point> points) {}

    /** A vertical marker: the kept epoch, an epoch's end. */
    record Marker(double x, String label, boolean dashed) {}

    /**
     * A line chart of {@code series}; points that are not finite are left out.
     *
     * @param xTicks where the x axis is labelled; empty for nice ticks over the range
     * @param yFromZero whether the y axis starts at zero (loss, learning rate) or fits the data
     */
    static String lineChart(String title, String xLabel, String yLabel, List<Series> series, List<Marker> markers,
            List<Double> xTicks, boolean yFromZero) {
        List<Point> all = series.stream().flatMap(s -> s.points().stream()).filter(Charts::finite).toList();
        Markup svg = new Markup();
        svg.open("svg", "xmlns", "http://www.w3.org/2000/svg", "viewBox", "0 0 " + WIDTH + " " + HEIGHT,
                "width", WIDTH, "height", HEIGHT, "role", "img", "aria-label", title, "class", "chart");
        svg.element("title", title);
        if (all.isEmpty()) {
            svg.element("text", "nothing recorded", "x", WIDTH / 2, "y", HEIGHT / 2, "text-anchor", "middle");
            return svg.close().toString();
        }
        double xMin = xTicks.isEmpty() ? all.stream().mapToDouble(Point::x).min().orElse(0) : xTicks.get(0) - 0.5;
        double xMax = xTicks.isEmpty() ? all.stream().mapToDouble(Point::x).max().orElse(1)
                : xTicks.get(xTicks.size() - 1) + 0.5;
        if (xMax <= xMin) {
            xMax = xMin + 1;
        }
        double dataMin = all.stream().mapToDouble(Point::y).min().orElse(0);
        double dataMax = all.stream().mapToDouble(Point::y).max().orElse(1);
        double[] yTicks = niceTicks(yFromZero ? Math.min(0, dataMin) : dataMin, dataMax);
        Scale x = new Scale(xMin, xMax, LEFT, WIDTH - RIGHT);
        Scale y = new Scale(yTicks[0], yTicks[yTicks.length - 1], HEIGHT - BOTTOM, TOP);

        double yStep = yTicks.length > 1 ? yTicks[1] - yTicks[0] : 1;
        for (double tick : yTicks) {
            svg.empty("line", "x1", (double) LEFT, "x2", (double) (WIDTH - RIGHT), "y1", y.at(tick), "y2", y.at(tick),
                    "stroke", GRID);
            svg.element("text", tickLabel(tick, yStep), "x", LEFT - 6.0, "y", y.at(tick) + 4, "text-anchor", "end",
                    "class", "tick");
        }
        double[] xs = xTicks.isEmpty() ? niceTicks(xMin, xMax) : xTicks.stream().mapToDouble(Double::doubleValue).toArray();
        double xStep = xs.length > 1 ? xs[1] - xs[0] : 1;
        for (double tick : xs) {
            if (tick < xMin - 1e-9 || tick > xMax + 1e-9) {
                continue;
            }
            svg.empty("line", "x1", x.at(tick), "x2", x.at(tick), "y1", (double) (HEIGHT - BOTTOM),
                    "y2", HEIGHT - BOTTOM + 4.0, "stroke", AXIS);
            svg.element("text", tickLabel(tick, xStep), "x", x.at(tick), "y", HEIGHT - BOTTOM + 17.0,
                    "text-anchor", "middle", "class", "tick");
        }
        svg.empty("line", "x1", (double) LEFT, "x2", (double) (WIDTH - RIGHT), "y1", (double) (HEIGHT - BOTTOM),
                "y2", (double) (HEIGHT - BOTTOM), "stroke", AXIS);
        svg.empty("line", "x1", (double) LEFT, "x2", (double) LEFT, "y1", (double) TOP, "y2", (double) (HEIGHT - BOTTOM),
                "stroke", AXIS);
        svg.element("text", xLabel, "x", (LEFT + WIDTH - RIGHT) / 2.0, "y", HEIGHT - 8.0, "text-anchor", "middle",
                "class", "axis-label");
        svg.element("text", yLabel, "x", 14.0, "y", (TOP + HEIGHT - BOTTOM) / 2.0, "text-anchor", "middle",
                "class", "axis-label", "transform", "rotate(-90 14 " + (TOP + HEIGHT - BOTTOM) / 2 + ")");

        for (Marker marker : markers) {
            if (marker.x() < xMin || marker.x() > xMax) {
                continue;
            }
            svg.empty("line", "x1", x.at(marker.x()), "x2", x.at(marker.x()), "y1", (double) TOP,
                    "y2", (double) (HEIGHT - BOTTOM), "stroke", marker.dashed() ? AXIS : "#38a169",
                    "stroke-dasharray", marker.dashed() ? "3 3" : null, "stroke-width", marker.dashed() ? 1.0 : 1.5);
            if (!marker.label().isEmpty()) {
                svg.element("text", marker.label(), "x", x.at(marker.x()) + 3, "y", TOP + 10.0, "class", "marker");
            }
        }
        for (Series line : series) {
            List<Point> points = line.points().stream().filter(Charts::finite).toList();
            if (points.size() > 1) {
                StringBuilder path = new StringBuilder();
                for (Point point : points) {
                    path.append(path.isEmpty() ? "M" : " L").append(coordinate(x.at(point.x())))
                            .append(' ').append(coordinate(y.at(point.y())));
                }
                svg.empty("path", "d", path.toString(), "fill", "none", "stroke", line.color(), "stroke-width", 2.0);
            }
            for (Point point : points) {
                if (point.pointer() == null && points.size() > 1) {
                    continue; // a dense line (the learning rate): no dot per sample
                }
                svg.open("circle", "cx", x.at(point.x()), "cy", y.at(point.y()), "r", 3.5, "fill", line.color(),
                        "data-manifest", point.pointer());
                svg.element("title", point.label());
                svg.close();
            }
        }
        if (series.size() > 1) {
            double legendX = LEFT + 10.0;
            for (Series line : series) {
                svg.empty("rect", "x", legendX, "y", TOP + 4.0, "width", 10.0, "height", 10.0, "fill", line.color());
                svg.element("text", line.name(), "x", legendX + 14, "y", TOP + 13.0, "class", "legend");
                legendX += 24 + 7 * line.name().length();
            }
        }
        return svg.close().toString();
    }

    /**
     * A confusion matrix as a heat map: each cell shaded by its share of its row (the true label),
     * showing the count and that share.
     *
     * @param pointer the JSON pointer of the matrix in the manifest
     */
    static String heatMap(List<String> labels, long[][] counts, String pointer) {
        int n = labels.size();
        int cell = Math.max(28, Math.min(72, 432 / Math.max(n, 1)));
        int labelWidth = 12 + 7 * Math.min(16, labels.stream().mapToInt(String::length).max().orElse(4));
        int left = labelWidth + 20;
        int top = labelWidth + 8;
        int size = cell * n;
        int width = left + size + 16;
        int height = top + size + 28;
        Markup svg = new Markup();
        svg.open("svg", "xmlns", "http://www.w3.org/2000/svg", "viewBox", "0 0 " + width + " " + height,
                "width", width, "height", height, "role", "img", "aria-label", "confusion matrix", "class", "heat-map");
        svg.element("title", "confusion matrix: rows are the true labels, columns the predicted ones");
        for (int row = 0; row < n; row++) {
            long total = 0;
            for (long count : counts[row]) {
                total += count;
            }
            for (int column = 0; column < n; column++) {
                double share = total == 0 ? 0 : (double) counts[row][column] / total;
                double cx = left + column * cell;
                double cy = top + row * cell;
                svg.open("g");
                svg.element("title", labels.get(row) + " predicted as " + labels.get(column) + ": "
                        + counts[row][column] + " (" + percent(share) + " of " + total + ")");
                svg.empty("rect", "x", cx, "y", cy, "width", (double) cell, "height", (double) cell,
                        "fill", shade(share), "stroke", "#ffffff");
                // Light text on dark cells; a class, since the page's style outranks a fill attribute.
                String dark = share > 0.55 ? " on-dark" : "";
                svg.element("text", counts[row][column], "x", cx + cell / 2.0, "y", cy + cell / 2.0 - (cell >= 40 ? 2 : -4),
                        "text-anchor", "middle", "class", "count" + dark,
                        "data-manifest", pointer + "/" + row + "/" + column);
                if (cell >= 40) {
                    svg.element("text", percent(share), "x", cx + cell / 2.0, "y", cy + cell / 2.0 + 13, "text-anchor",
                            "middle", "class", "share" + dark);
                }
                svg.close();
            }
            svg.open("text", "x", left - 6.0, "y", top + row * cell + cell / 2.0 + 4, "text-anchor", "end",
                    "class", "tick");
            svg.text(shorten(labels.get(row))).close();
        }
        for (int column = 0; column < n; column++) {
            double cx = left + column * cell + cell / 2.0;
            svg.element("text", shorten(labels.get(column)), "x", cx, "y", top - 6.0, "class", "tick",
                    "transform", "rotate(-45 " + coordinate(cx) + " " + (top - 6) + ")");
        }
        svg.element("text", "predicted", "x", left + size / 2.0, "y", height - 8.0, "text-anchor", "middle",
                "class", "axis-label");
        svg.element("text", "true", "x", 12.0, "y", top + size / 2.0, "text-anchor", "middle", "class", "axis-label",
                "transform", "rotate(-90 12 " + coordinate(top + size / 2.0) + ")");
        return svg.close().toString();
    }

    /** A horizontal bar of {@code value} in [0, 1], for scores side by side. */
    static String bar(double value, String color) {
        double width = 160;
        Markup svg = new Markup();
        svg.open("svg", "xmlns", "http://www.w3.org/2000/svg", "viewBox", "0 0 " + (int) width + " 12",
                "width", width, "height", 12.0, "aria-hidden", "true", "class", "bar");
        svg.empty("rect", "x", 0.0, "y", 0.0, "width", width, "height", 12.0, "fill", GRID);
        svg.empty("rect", "x", 0.0, "y", 0.0, "width", width * Math.max(0, Math.min(1, value)), "height", 12.0,
                "fill", color);
        return svg.close().toString();
    }

    /** From white through light blue to dark blue as {@code share} goes from 0 to 1. */
    private static String shade(double share) {
        int[] low = {247, 251, 255};
        int[] high = {8, 69, 148};
        int[] rgb = new int[3];
        for (int i = 0; i < 3; i++) {
            rgb[i] = (int) Math.round(low[i] + (high[i] - low[i]) * Math.sqrt(share));
        }
        return String.format(Locale.ROOT, "#%02x%02x%02x", rgb[0], rgb[1], rgb[2]);
    }

    /** Ticks 1, 2 or 5 times a power of ten apart, covering [min, max]. */
    static double[] niceTicks(double min, double max) {
        if (max - min < 1e-12) {
            double pad = Math.abs(max) > 1e-12 ? Math.abs(max) * 0.1 : 1;
            min -= pad;
            max += pad;
        }
        double rough = (max - min) / 5;
        double power = Math.pow(10, Math.floor(Math.log10(rough)));
        double step = rough / power < 1.5 ? power : rough / power < 3.5 ? 2 * power : rough / power < 7.5 ? 5 * power
                : 10 * power;
        double first = Math.floor(min / step + 1e-9) * step;
        double last = Math.ceil(max / step - 1e-9) * step;
        List<Double> ticks = new ArrayList<>();
        for (double tick = first; tick <= last + step / 2; tick += step) {
            ticks.add(Math.abs(tick) < step * 1e-9 ? 0 : tick);
        }
        return ticks.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** A tick's label, with as many decimals as the step needs; tiny numbers in scientific notation. */
    private static String tickLabel(double value, double step) {
        if (value == 0) {
            return "0";
        }
        if (Math.abs(step) < 1e-3) {
            return String.format(Locale.ROOT, "%.1e", value);
        }
        int decimals = Math.max(0, (int) Math.ceil(-Math.log10(step) - 1e-9));
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.0f%%", share * 100);
    }

    private static String shorten(String label) {
        return label.length() <= 16 ? label : label.substring(0, 15) + "\u2026";
    }

    private static String coordinate(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    private static boolean finite(Point point) {
        return Double.isFinite(point.x()) && Double.isFinite(point.y());
    }

    /** Maps a data range onto a pixel range. */
    private record Scale(double min, double max, double from, double to) {
        double at(double value) {
            return from + (value - min) / (max - min) * (to - from);
        }
    }
}
