package org.renkei.stix.pattern;

import java.math.BigDecimal;

/** An observation qualifier. */
public sealed interface Qualifier {

    String toPatternText();

    /** {@code WITHIN n SECONDS}. */
    record Within(BigDecimal seconds) implements Qualifier {
        public String toPatternText() {
            return "WITHIN " + seconds.stripTrailingZeros().toPlainString() + " SECONDS";
        }
    }

    /** {@code REPEATS n TIMES}. */
    record Repeats(int times) implements Qualifier {
        public String toPatternText() { return "REPEATS " + times + " TIMES"; }
    }

    /** {@code START t'…' STOP t'…'}; the stop is later than the start. */
    record StartStop(Constant.TimestampConstant start, Constant.TimestampConstant stop) implements Qualifier {
        public String toPatternText() {
            return "START " + start.toPatternText() + " STOP " + stop.toPatternText();
        }
    }
}
