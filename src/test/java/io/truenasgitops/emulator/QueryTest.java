package io.truenasgitops.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class QueryTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static List<ObjectNode> rows() throws Exception {
        List<ObjectNode> rows = new ArrayList<>();
        for (String r : List.of(
                "{\"name\":\"alpha\",\"state\":\"RUNNING\",\"n\":3,\"w\":{\"containers\":1}}",
                "{\"name\":\"beta\",\"state\":\"STOPPED\",\"n\":1,\"w\":{\"containers\":0}}",
                "{\"name\":\"gamma\",\"state\":\"CRASHED\",\"n\":2,\"w\":{\"containers\":2}}")) {
            rows.add((ObjectNode) JSON.readTree(r));
        }
        return rows;
    }

    record Case(String filters, List<String> expected) {}

    static Stream<Case> cases() {
        return Stream.of(
                new Case("[]", List.of("alpha", "beta", "gamma")),
                new Case("[[\"name\",\"=\",\"beta\"]]", List.of("beta")),
                new Case("[[\"state\",\"!=\",\"RUNNING\"]]", List.of("beta", "gamma")),
                new Case("[[\"n\",\">=\",2]]", List.of("alpha", "gamma")),
                new Case("[[\"n\",\"<\",2]]", List.of("beta")),
                new Case("[[\"name\",\"in\",[\"alpha\",\"gamma\"]]]", List.of("alpha", "gamma")),
                new Case("[[\"name\",\"nin\",[\"alpha\",\"gamma\"]]]", List.of("beta")),
                new Case("[[\"name\",\"^\",\"ga\"]]", List.of("gamma")),
                new Case("[[\"name\",\"!^\",\"ga\"]]", List.of("alpha", "beta")),
                new Case("[[\"name\",\"$\",\"ta\"]]", List.of("beta")),
                new Case("[[\"name\",\"~\",\"^[ab]\"]]", List.of("alpha", "beta")),
                new Case("[[\"w.containers\",\">\",0]]", List.of("alpha", "gamma")),
                new Case("[[\"OR\",[[\"name\",\"=\",\"alpha\"],[\"n\",\"=\",1]]]]", List.of("alpha", "beta")),
                new Case("[[\"state\",\"!=\",\"STOPPED\"],[\"n\",\"<\",3]]", List.of("gamma")));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void filtersSelectTheMatchingRows(Case c) throws Exception {
        JsonNode out = Query.apply(rows(), JSON.readTree(c.filters()), null);
        List<String> names = new ArrayList<>();
        out.forEach(r -> names.add(r.get("name").asText()));
        assertThat(names).containsExactlyElementsOf(c.expected());
    }

    @Test
    void optionsOrderLimitOffsetCountGetAndSelect() throws Exception {
        assertThat(Query.apply(rows(), null, JSON.readTree("{\"order_by\":[\"n\"]}")).findValuesAsText("name"))
                .containsExactly("beta", "gamma", "alpha");
        assertThat(Query.apply(rows(), null, JSON.readTree("{\"order_by\":[\"-name\"],\"offset\":1,\"limit\":1}"))
                .findValuesAsText("name")).containsExactly("beta");
        assertThat(Query.apply(rows(), null, JSON.readTree("{\"count\":true}")).asInt()).isEqualTo(3);
        JsonNode one = Query.apply(rows(), JSON.readTree("[[\"name\",\"=\",\"gamma\"]]"),
                JSON.readTree("{\"get\":true,\"select\":[\"name\",\"w.containers\"]}"));
        assertThat(one.toString()).isEqualTo("{\"name\":\"gamma\",\"w\":{\"containers\":2}}");
    }

    @Test
    void getWithoutAMatchAndUnknownOperatorsFail() throws Exception {
        assertThatThrownBy(() -> Query.apply(rows(), JSON.readTree("[[\"name\",\"=\",\"x\"]]"), JSON.readTree("{\"get\":true}")))
                .isInstanceOf(MiddlewareError.class).hasMessage("MatchNotFound()");
        assertThatThrownBy(() -> Query.apply(rows(), JSON.readTree("[[\"name\",\"==\",\"x\"]]"), null))
                .isInstanceOf(MiddlewareError.class).hasMessage("Invalid operation: ==");
    }
}
