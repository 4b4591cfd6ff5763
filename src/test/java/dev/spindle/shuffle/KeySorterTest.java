package dev.spindle.shuffle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.common.Pair;
import dev.spindle.plan.NaturalOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KeySorterTest {
    private static String randomKey(Random random) {
        // Short keys, shared prefixes, and characters above Latin-1 and in the surrogate range.
        String alphabet = "aab\u0000\u00ff\u0100\uffff\ud800z";
        StringBuilder key = new StringBuilder();
        int length = random.nextInt(7);
        for (int i = 0; i < length; i++) {
            key.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return key.toString();
    }

    @Test
    void stringKeysSortExactlyAsStringCompareToStably() {
        Random random = new Random(3);
        List<Pair<Object, Object>> records = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            records.add(Pair.of(randomKey(random), i));
        }
        List<Pair<Object, Object>> expected = new ArrayList<>(records);
        expected.sort(Comparator.comparing(p -> (String) p.key())); // List.sort is stable
        KeySorter.sort(records, NaturalOrder.get());
        assertThat(records).containsExactlyElementsOf(expected);
    }

    @Test
    void otherKeysAndOrderingsFallBackToComparison() {
        List<Pair<Object, Object>> records = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            records.add(Pair.of(i % 2 == 0 ? (Object) ("k" + i) : null, i));
        }
        Comparator<Object> nullsLast = Comparator.nullsLast(Comparator.comparing(Object::toString));
        KeySorter.sort(records, nullsLast);
        assertThat(records.get(0).key()).isEqualTo("k0");
        assertThat(records.get(4999).key()).isNull();
        assertThat(records.subList(0, 2500)).isSortedAccordingTo((a, b) -> nullsLast.compare(a.key(), b.key()));
    }
}
