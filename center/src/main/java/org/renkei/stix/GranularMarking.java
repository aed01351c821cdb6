package org.renkei.stix;

import java.util.List;

/**
 * One entry of {@code granular_markings}: a marking (by reference) or a language applied to
 * the parts of the object the selectors name. Exactly one of {@code markingRef} and
 * {@code lang} is set on valid content; the other is {@code null}.
 */
public record GranularMarking(List<String> selectors, String markingRef, String lang) {
    public GranularMarking {
        selectors = List.copyOf(selectors);
    }
}
