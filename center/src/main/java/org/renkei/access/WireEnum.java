package org.renkei.access;

import java.util.Arrays;
import java.util.stream.Collectors;
import org.renkei.InputException;

/** Enums that travel as lower-case, hyphenated wire values. */
interface WireEnum {
    String wire();

    static <E extends Enum<E> & WireEnum> E parse(Class<E> type, String field, String value) {
        for (E e : type.getEnumConstants()) {
            if (e.wire().equals(value)) {
                return e;
            }
        }
        throw new InputException(field, "'" + value + "' is not one of "
                + Arrays.stream(type.getEnumConstants()).map(WireEnum::wire).collect(Collectors.joining(", ")));
    }
}
