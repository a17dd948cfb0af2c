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

    private static Document parse(final String svg) throws Exception
    {
        final DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }
}
