package io.hpp.router.admin.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A sweep's curve as CSV and as an SVG chart (cost across, top-tier quality kept up). Doubles here only place pixels. */
public final class CurveCharts {
    private static final int W = 720;
    private static final int H = 460;
    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 40;
    private static final int BOTTOM = 60;

    private CurveCharts() {
    }

    public static String csv(Sweep.Curve c) {
        StringBuilder sb = new StringBuilder("point," + c.knob().path() + ",requests,cost_routed_usd,quality_routed,top_quality_kept,"
                + "cost_top_usd,cost_cheapest_usd\n");
        for (Sweep.Point p : c.points()) {
            row(sb, "sweep", p.value().toPlainString(), p.all());
        }
        row(sb, "current", "", c.current());
        EvalReport.Summary s = c.current();
        sb.append("always_strong,,").append(s.requests()).append(',').append(s.topCost().dollars().toPlainString()).append(',')
                .append(EvalReport.f4(s.topMean())).append(",1.0000,,\n");
        sb.append("always_weak,,").append(s.requests()).append(',').append(s.cheapestCost().dollars().toPlainString()).append(',')
                .append(EvalReport.f4(s.cheapestMean())).append(',').append(EvalReport.f4(weakKept(s))).append(",,\n");
        return sb.toString();
    }

    private static void row(StringBuilder sb, String kind, String value, EvalReport.Summary s) {
        sb.append(kind).append(',').append(value).append(',').append(s.requests()).append(',').append(s.routedCost().dollars().toPlainString())
                .append(',').append(EvalReport.f4(s.routedMean())).append(',').append(EvalReport.f4(s.kept())).append(',')
                .append(s.topCost().dollars().toPlainString()).append(',').append(s.cheapestCost().dollars().toPlainString()).append('\n');
    }

    private static double weakKept(EvalReport.Summary s) {
        return s.topQuality() == 0 ? 1 : s.cheapestQuality() / s.topQuality();
    }

    public static String svg(Sweep.Curve c) {
        EvalReport.Summary cur = c.current();
        double maxCost = cur.topCost().dollars().doubleValue();
        double minKept = Math.min(weakKept(cur), cur.kept());
        double maxKept = Math.max(1.0, cur.kept());
        for (Sweep.Point p : c.points()) {
            maxCost = Math.max(maxCost, p.all().routedCost().dollars().doubleValue());
            minKept = Math.min(minKept, p.all().kept());
            maxKept = Math.max(maxKept, p.all().kept());
        }
        Scale sc = new Scale(maxCost <= 0 ? 1 : maxCost * 1.05, Math.floor(minKept * 20) / 20, Math.ceil(maxKept * 20) / 20);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n", W, H, W, H));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"14\">Sweep of %s: cost vs top-tier quality kept (%d rows)</text>\n",
                LEFT, esc(c.knob().path()), cur.requests()));
        axes(sb, sc);
        List<String> pts = new ArrayList<>();
        for (Sweep.Point p : c.points()) {
            pts.add(String.format(Locale.ROOT, "%.1f,%.1f", sc.x(p.all().routedCost().dollars().doubleValue()), sc.y(p.all().kept())));
        }
        if (!pts.isEmpty()) {
            sb.append("<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\" points=\"").append(String.join(" ", pts)).append("\"/>\n");
        }
        for (Sweep.Point p : c.points()) {
            sb.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#1f77b4\"><title>%s = %s</title></circle>\n",
                    sc.x(p.all().routedCost().dollars().doubleValue()), sc.y(p.all().kept()), esc(c.knob().path()), p.value().toPlainString()));
        }
        marker(sb, sc, cur.topCost().dollars().doubleValue(), 1.0, "#2ca02c", "always strong (top tier)");
        marker(sb, sc, cur.cheapestCost().dollars().doubleValue(), weakKept(cur), "#ff7f0e", "always weak (cheapest)");
        marker(sb, sc, cur.routedCost().dollars().doubleValue(), cur.kept(), "#d62728", "current ruleset");
        return sb.append("</svg>\n").toString();
    }

    private record Scale(double maxCost, double minKept, double maxKept) {
        double x(double cost) {
            return LEFT + cost / maxCost * (W - LEFT - RIGHT);
        }

        double y(double kept) {
            double span = maxKept - minKept == 0 ? 1 : maxKept - minKept;
            return H - BOTTOM - (kept - minKept) / span * (H - TOP - BOTTOM);
        }
    }

    private static void axes(StringBuilder sb, Scale sc) {
        int x0 = LEFT;
        int y0 = H - BOTTOM;
        sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n", x0, y0, W - RIGHT, y0));
        sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n", x0, y0, x0, TOP));
        for (int i = 0; i <= 5; i++) {
            double cost = sc.maxCost() * i / 5;
            double kept = sc.minKept() + (sc.maxKept() - sc.minKept()) * i / 5;
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">$%.4f</text>\n", sc.x(cost), y0 + 18, cost));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.2f</text>\n", x0 - 6, sc.y(kept) + 4, kept));
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">cost of the dataset (USD)</text>\n",
                (LEFT + W - RIGHT) / 2, H - 18));
        sb.append(String.format(Locale.ROOT, "<text x=\"18\" y=\"%d\" transform=\"rotate(-90 18 %d)\" text-anchor=\"middle\">"
                + "share of top-tier quality kept</text>\n", (TOP + H - BOTTOM) / 2, (TOP + H - BOTTOM) / 2));
    }

    private static void marker(StringBuilder sb, Scale sc, double cost, double kept, String colour, String label) {
        double x = sc.x(cost);
        double y = sc.y(kept);
        sb.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"9\" height=\"9\" fill=\"%s\"/>\n", x - 4.5, y - 4.5, colour));
        boolean right = x > W * 0.6;   // labels on the right half end at their marker, so they stay inside the chart
        sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" fill=\"%s\" text-anchor=\"%s\">%s</text>\n", right ? x - 8 : x + 8,
                y - 8, colour, right ? "end" : "start", label));
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
