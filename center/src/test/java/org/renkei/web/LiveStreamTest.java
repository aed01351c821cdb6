package org.renkei.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.renkei.center.StixSamples.envelope;
import static org.renkei.center.StixSamples.indicator;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.renkei.access.MemberType;
import org.renkei.access.Sector;
import org.renkei.center.TestCenter;
import org.renkei.http.Json;
import org.renkei.stix.Tlp;
import org.renkei.store.PostgresExtension;
import tools.jackson.databind.node.ObjectNode;

/** {@code GET /api/v1/stream}: live events, type filter, resumption with Last-Event-ID. */
class LiveStreamTest {
    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.external();

    static TestCenter center;
    static TestCenter.Account bank;

    @BeforeAll
    static void start() {
        center = TestCenter.start(PG.database());
        bank = center.member("Bank", MemberType.OPERATOR, Sector.FINANCE, List.of());
    }

    @AfterAll
    static void stop() {
        center.close();
    }

    record Event(String id, String objectId) {
    }

    /** Opens a stream and feeds its events into a queue. */
    static BlockingQueue<Event> open(String query, String lastEventId) throws Exception {
        var req = center.request("/api/v1/stream" + query, bank.token()).timeout(Duration.ofSeconds(60));
        if (lastEventId != null) {
            req.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<java.io.InputStream> res = center.http().send(req.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        BlockingQueue<Event> q = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try (var in = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
                String id = null;
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("id: ")) {
                        id = line.substring(4);
                    } else if (line.startsWith("data: ")) {
                        q.add(new Event(id, Json.MAPPER.readTree(line.substring(6)).get("id").asString()));
                    }
                }
            } catch (Exception e) {
                // closed
            }
        });
        Thread.sleep(300); // subscribed
        return q;
    }

    static List<Event> take(BlockingQueue<Event> q, int n) throws InterruptedException {
        List<Event> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Event e = q.poll(10, TimeUnit.SECONDS);
            assertThat(e).as("event %d of %d", i + 1, n).isNotNull();
            out.add(e);
        }
        return out;
    }

    @Test
    void pushesAcceptedObjectsAndResumesWithoutGapsOrRepeats() throws Exception {
        var live = open("?types=indicator", null);
        List<ObjectNode> first = List.of(indicator("[ipv4-addr:value = '192.0.2.1']", Tlp.GREEN),
                indicator("[ipv4-addr:value = '192.0.2.2']", Tlp.GREEN), indicator("[ipv4-addr:value = '192.0.2.3']", Tlp.GREEN));
        center.submit("community", bank.token(), envelope(first));
        List<Event> got = take(live, 3);
        assertThat(got).extracting(Event::objectId).containsExactly(first.stream().map(o -> o.get("id").asString()).toArray(String[]::new));
        assertThat(Long.parseLong(got.get(0).id())).isLessThan(Long.parseLong(got.get(1).id()));

        // a client that saw only the first event reconnects: it gets the other two from the store, then live ones
        var resumed = open("?types=indicator", got.get(0).id());
        List<Event> replayed = take(resumed, 2);
        assertThat(replayed).extracting(Event::objectId).containsExactly(got.get(1).objectId(), got.get(2).objectId());
        ObjectNode later = indicator("[ipv4-addr:value = '192.0.2.4']", Tlp.GREEN);
        center.submit("community", bank.token(), envelope(later));
        assertThat(take(resumed, 1).get(0).objectId()).isEqualTo(later.get("id").asString());
        assertThat(resumed.poll(300, TimeUnit.MILLISECONDS)).as("no repeats").isNull();
    }

    @Test
    void aStreamShowsWhatAnotherProcessAcceptedInOneOrder() throws Exception {
        var live = open("?types=indicator", null);
        try (TestCenter second = TestCenter.start(PG.database())) {
            ObjectNode here = indicator("[ipv4-addr:value = '192.0.2.21']", Tlp.GREEN);
            ObjectNode there = indicator("[ipv4-addr:value = '192.0.2.22']", Tlp.GREEN);
            ObjectNode hereAgain = indicator("[ipv4-addr:value = '192.0.2.23']", Tlp.GREEN);
            center.submit("community", bank.token(), envelope(here));
            second.submit("community", bank.token(), envelope(there));
            center.submit("community", bank.token(), envelope(hereAgain));
            List<Event> got = take(live, 3);
            assertThat(got).extracting(Event::objectId).containsExactly(here.get("id").asString(),
                    there.get("id").asString(), hereAgain.get("id").asString());
            assertThat(live.poll(300, TimeUnit.MILLISECONDS)).as("no repeats").isNull();
        }
    }

    @Test
    void theTypeFilterNarrowsTheStream() throws Exception {
        var malwareOnly = open("?types=malware", null);
        center.submit("community", bank.token(), envelope(indicator("[ipv4-addr:value = '192.0.2.9']", Tlp.GREEN)));
        assertThat(malwareOnly.poll(500, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void aBadLastEventIdIsA400() {
        var r = center.send(center.request("/api/v1/stream", bank.token()).header("Last-Event-ID", "yesterday").GET().build());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("Last-Event-ID");
    }
}
