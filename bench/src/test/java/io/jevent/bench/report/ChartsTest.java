package io.jevent.bench.report;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChartsTest
{
    @Test
    void shouldDrawOneTitledBarPerValueInAWellFormedSvg() throws Exception
    {
        final String svg = BarChart.render("echo <throughput>", "msgs/s", List.of("pp1", "pp50"),
            List.of("jevent-epoll", "nio-baseline", "netty-epoll"),
            new double[][] {{100, 2000}, {90, Double.NaN}, {95, 2100}});
        final Document doc = parse(svg);
        assertEquals("svg", doc.getDocumentElement().getTagName());
        final NodeList rects = doc.getElementsByTagName("rect");
        int bars = 0;
        for (int i = 0; i < rects.getLength(); i++)
        {
            if (((Element)rects.item(i)).getElementsByTagName("title").getLength() > 0)
            {
                bars++;
                assertTrue(Double.parseDouble(((Element)rects.item(i)).getAttribute("height")) > 0);
            }
        }
        assertEquals(5, bars, "one bar per present value, none for NaN");
        assertTrue(svg.contains("echo &lt;throughput&gt;"), "text is escaped");
    }

    @Test
    void shouldDrawOneCurvePerServerWithAPointPerPercentile() throws Exception
    {
        final double[] p = {50, 90, 99, 99.9, 99.99};
        final String svg = PercentileChart.render("latency", p, List.of("a", "b"),
            new double[][] {{20, 25, 40, 90, 400}, {70, 80, 95, Double.NaN, 1500}});
        final Document doc = parse(svg);
        assertEquals(2, doc.getElementsByTagName("polyline").getLength());
        assertEquals(9, doc.getElementsByTagName("circle").getLength());
        final String points = ((Element)doc.getElementsByTagName("polyline").item(0)).getAttribute("points");
        final String[] xy = points.trim().split(" ");
        assertEquals(5, xy.length);
        double previousY = Double.MAX_VALUE;
        for (final String pt : xy)
        {
            final double y = Double.parseDouble(pt.split(",")[1]);
            assertTrue(y <= previousY, "higher latency is drawn higher up: " + points);
            previousY = y;
        }
    }

    @Test
    void shouldFitLongServerNamesAndManyServersInTheLegend() throws Exception
    {
        final List<String> names = List.of("nio-baseline (jdk)", "jevent-epoll (ffm)", "jevent-epoll-jna",
            "jevent-epoll-ffm", "jevent-nio (jdk)", "jevent-epoll-busy-spin (ffm)", "jevent-epoll-busy-spin-jna",
            "jevent-epoll-busy-spin-ffm", "jevent-nio-busy-spin (jdk)", "netty-epoll (jni)", "libevent (c)",
            "jevent-epoll-busy-spin-ffm:2+io262144");
        final double[][] bars = new double[names.size()][1];
        final double[][] curves = new double[names.size()][2];
        for (int i = 0; i < names.size(); i++)
        {
            bars[i][0] = 1000 + i;
            curves[i] = new double[] {20 + i, 90 + i};
        }
        for (final String svg : List.of(BarChart.render("t", "msgs/s", List.of("pp1"), names, bars),
            PercentileChart.render("t", new double[] {50, 99}, names, curves)))
        {
            final Document doc = parse(svg);
            final double width = Double.parseDouble(doc.getDocumentElement().getAttribute("width"));
            final double height = Double.parseDouble(doc.getDocumentElement().getAttribute("height"));
            final NodeList texts = doc.getElementsByTagName("text");
            final java.util.Set<String> colours = new java.util.HashSet<>();
            int legend = 0;
            for (int i = 0; i < texts.getLength(); i++)
            {
                final Element t = (Element)texts.item(i);
                if (names.contains(t.getTextContent()))
                {
                    legend++;
                    final double x = Double.parseDouble(t.getAttribute("x"));
                    final double y = Double.parseDouble(t.getAttribute("y"));
                    assertTrue(x + 7.2 * t.getTextContent().length() <= width,
                        t.getTextContent() + " fits in " + width);
                    assertTrue(y < height, t.getTextContent() + " above the bottom");
                }
            }
            assertEquals(names.size(), legend, "a legend line per server");
            final NodeList rects = doc.getElementsByTagName("rect");
            for (int i = 0; i < rects.getLength(); i++)
            {
                final Element r = (Element)rects.item(i);
                if ("12.0".equals(r.getAttribute("width")))
                {
                    colours.add(r.getAttribute("fill"));
                }
            }
            assertEquals(names.size(), colours.size(), "every server its own colour");
        }
        final String tall = BarChart.render("t", "msgs/s", List.of("pp1"), java.util.Collections.nCopies(30, "s"),
            new double[30][1]);
        assertTrue(Double.parseDouble(parse(tall).getDocumentElement().getAttribute("height")) >= 40 + 30 * 20,
            "30 legend lines fit");
    }

    private static Document parse(final String svg) throws Exception
    {
        final DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }
}
