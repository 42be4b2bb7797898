package io.hpp.router.admin.eval;

import io.hpp.router.value.Money;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A sweep's curve as CSV and as an SVG chart (cost across, top-tier quality kept up). Costs stay {@link Money}; doubles
 * here are only quality shares and the pixels they land on; where a cost lands across is worked out in integers.
 */
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
        Money maxCost = cur.topCost();
        double minKept = Math.min(weakKept(cur), cur.kept());
        double maxKept = Math.max(1.0, cur.kept());
        for (Sweep.Point p : c.points()) {
            maxCost = p.all().routedCost().compareTo(maxCost) > 0 ? p.all().routedCost() : maxCost;
            minKept = Math.min(minKept, p.all().kept());
            maxKept = Math.max(maxKept, p.all().kept());
        }
        // 5% of room to the right of the dearest point; a dataset that cost nothing is drawn on a $1 axis
        Money axis = maxCost.isPositive() ? new Money(Math.multiplyExact(maxCost.nanos() / 20, 21)) : Money.ofDollars("1");
        Scale sc = new Scale(axis, Math.floor(minKept * 20) / 20, Math.ceil(maxKept * 20) / 20);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n", W, H, W, H));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"14\">Sweep of %s: cost vs top-tier quality kept (%d rows)</text>\n",
                LEFT, esc(c.knob().path()), cur.requests()));
        axes(sb, sc);
        List<String> pts = new ArrayList<>();
        for (Sweep.Point p : c.points()) {
            pts.add(px(sc.x(p.all().routedCost())) + String.format(Locale.ROOT, ",%.1f", sc.y(p.all().kept())));
        }
        if (!pts.isEmpty()) {
            sb.append("<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\" points=\"").append(String.join(" ", pts)).append("\"/>\n");
        }
        for (Sweep.Point p : c.points()) {
            sb.append(String.format(Locale.ROOT, "<circle cx=\"%s\" cy=\"%.1f\" r=\"3\" fill=\"#1f77b4\"><title>%s = %s</title></circle>\n",
                    px(sc.x(p.all().routedCost())), sc.y(p.all().kept()), esc(c.knob().path()), p.value().toPlainString()));
        }
        marker(sb, sc, cur.topCost(), 1.0, "#2ca02c", "always strong (top tier)");
        marker(sb, sc, cur.cheapestCost(), weakKept(cur), "#ff7f0e", "always weak (cheapest)");
        marker(sb, sc, cur.routedCost(), cur.kept(), "#d62728", "current ruleset");
        return sb.append("</svg>\n").toString();
    }

    /** Costs stay exact: the point a cost lands on across is worked out in integers, in tenths of a pixel. */
    private record Scale(Money maxCost, double minKept, double maxKept) {
        long x(Money cost) {
            return LEFT * 10L + BigDecimal.valueOf(cost.nanos()).multiply(BigDecimal.valueOf(10L * (W - LEFT - RIGHT)))
                    .divide(BigDecimal.valueOf(maxCost.nanos()), 0, RoundingMode.HALF_UP).longValueExact();
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
            Money cost = new Money(sc.maxCost().nanos() / 5 * i);
            double kept = sc.minKept() + (sc.maxKept() - sc.minKept()) * i / 5;
            sb.append(String.format(Locale.ROOT, "<text x=\"%s\" y=\"%d\" text-anchor=\"middle\">$%s</text>\n", px(sc.x(cost)), y0 + 18,
                    cost.dollars().setScale(4, RoundingMode.HALF_UP).toPlainString()));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.2f</text>\n", x0 - 6, sc.y(kept) + 4, kept));
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">cost of the dataset (USD)</text>\n",
                (LEFT + W - RIGHT) / 2, H - 18));
        sb.append(String.format(Locale.ROOT, "<text x=\"18\" y=\"%d\" transform=\"rotate(-90 18 %d)\" text-anchor=\"middle\">"
                + "share of top-tier quality kept</text>\n", (TOP + H - BOTTOM) / 2, (TOP + H - BOTTOM) / 2));
    }

    private static void marker(StringBuilder sb, Scale sc, Money cost, double kept, String colour, String label) {
        long x = sc.x(cost);
        double y = sc.y(kept);
        sb.append(String.format(Locale.ROOT, "<rect x=\"%s\" y=\"%.1f\" width=\"9\" height=\"9\" fill=\"%s\"/>\n", px(x - 45), y - 4.5, colour));
        boolean right = x > W * 6L;   // labels on the right half end at their marker, so they stay inside the chart
        sb.append(String.format(Locale.ROOT, "<text x=\"%s\" y=\"%.1f\" fill=\"%s\" text-anchor=\"%s\">%s</text>\n", px(right ? x - 80 : x + 80),
                y - 8, colour, right ? "end" : "start", label));
    }

    /** Tenths of a pixel as an SVG coordinate. */
    private static String px(long tenths) {
        return BigDecimal.valueOf(tenths, 1).toPlainString();
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
