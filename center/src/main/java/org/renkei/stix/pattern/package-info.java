/**
 * The STIX 2.1 patterning language (specification section 9): parsing into an immutable
 * syntax tree ({@link org.renkei.stix.pattern.StixPatternParser}), a normalised text form
 * used to recognise the same indicator submitted twice, and extraction of the simple
 * "one property equals one value" observables that blocklists are built from.
 *
 * <p>The grammar lives in {@code src/main/antlr4/org/renkei/stix/pattern/StixPatternGrammar.g4};
 * the classes ANTLR generates from it ({@code StixPatternGrammar*}) are an implementation
 * detail and must not be used outside this package. Matching patterns against
 * observations is not implemented yet.
 */
package org.renkei.stix.pattern;
