package org.renkei.stix.pattern;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.antlr.v4.runtime.BailErrorStrategy;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.DefaultErrorStrategy;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.atn.PredictionMode;
import org.antlr.v4.runtime.misc.IntervalSet;
import org.antlr.v4.runtime.misc.ParseCancellationException;
import org.antlr.v4.runtime.tree.TerminalNode;
import org.renkei.stix.pattern.StixPatternGrammarParser.*;

/**
 * Parses STIX 2.1 pattern text into a {@link StixPattern}. Thread-safe; all methods static.
 *
 * <p>Parsing runs in two stages, the usual ANTLR recipe for speed: first the cheaper SLL
 * prediction with an error strategy that simply gives up, and only if that fails the full
 * LL prediction with error reporting, so valid patterns (nearly all of them) pay for the
 * fast path only, and invalid ones still get a precise message.
 */
public final class StixPatternParser {

    /** Patterns longer than this are rejected before parsing; real indicators are far shorter. */
    public static final int MAX_PATTERN_LENGTH = 1 << 20;

    private static final Map<String, String> TOKEN_DESCRIPTIONS = Map.ofEntries(
            Map.entry("Identifier", "an object type or property name"),
            Map.entry("StringLiteral", "a string literal '...'"),
            Map.entry("IntPosLiteral", "an integer"),
            Map.entry("IntNegLiteral", "a negative integer"),
            Map.entry("FloatPosLiteral", "a number"),
            Map.entry("FloatNegLiteral", "a negative number"),
            Map.entry("BoolLiteral", "true or false"),
            Map.entry("HexLiteral", "a hex literal h'...'"),
            Map.entry("BinaryLiteral", "a base64 literal b'...'"),
            Map.entry("TimestampLiteral", "a timestamp t'YYYY-MM-DDThh:mm:ssZ'"),
            Map.entry("EQ", "'='"),
            Map.entry("NEQ", "'!='"));

    private static final java.util.Set<Integer> KEYWORDS = java.util.Set.of(
            StixPatternGrammarLexer.AND, StixPatternGrammarLexer.OR, StixPatternGrammarLexer.NOT,
            StixPatternGrammarLexer.FOLLOWEDBY, StixPatternGrammarLexer.LIKE, StixPatternGrammarLexer.MATCHES,
            StixPatternGrammarLexer.ISSUPERSET, StixPatternGrammarLexer.ISSUBSET, StixPatternGrammarLexer.EXISTS,
            StixPatternGrammarLexer.IN, StixPatternGrammarLexer.START, StixPatternGrammarLexer.STOP,
            StixPatternGrammarLexer.SECONDS, StixPatternGrammarLexer.TIMES, StixPatternGrammarLexer.WITHIN,
            StixPatternGrammarLexer.REPEATS);

    private StixPatternParser() {}

    /**
     * Parses {@code text}.
     *
     * @throws PatternSyntaxException naming the position and the problem
     */
    public static StixPattern parse(String text) {
        if (text == null) throw new PatternSyntaxException(0, 1, 0, "pattern is missing");
        if (text.length() > MAX_PATTERN_LENGTH) {
            throw new PatternSyntaxException(0, 1, 0, "pattern is longer than " + MAX_PATTERN_LENGTH + " characters");
        }
        StixPattern simple = parseSimple(text);
        return simple != null ? simple : parseWithGrammar(text);
    }

    /** The full parse through the grammar (what {@link #parse} does for all but the simplest patterns). */
    static StixPattern parseWithGrammar(String text) {
        PatternContext tree;
        StixPatternGrammarParser parser = newParser(text);
        parser.getInterpreter().setPredictionMode(PredictionMode.SLL);
        parser.setErrorHandler(new BailErrorStrategy());
        try {
            tree = parser.pattern();
        } catch (ParseCancellationException fastPathFailed) {
            parser = newParser(text);
            parser.setErrorHandler(new DefaultErrorStrategy());
            parser.addErrorListener(new FirstErrorThrower());
            tree = parser.pattern();
        }
        return new StixPattern(text, new AstBuilder().observations(tree.observationExpressions()));
    }

    /**
     * The pattern when it is exactly {@code [type:property = 'string']} (single spaces or none
     * around {@code =}), else null. Nearly every indicator in a feed has this form, and the
     * grammar costs ~35 µs per pattern (lexer and parser set-up, a nine-level parse tree), a
     * third of the ingest's CPU; this check is a single pass over the text. It returns
     * exactly what the grammar yields for the same text (PatternPropertyTest checks the two
     * against each other); anything it is not sure of goes to the grammar.
     */
    static StixPattern parseSimple(String text) {
        int n = text.length();
        if (n < 9 || text.charAt(0) != '[' || text.charAt(n - 1) != ']') return null;
        // object type: an Identifier that is a STIX type name (a-z, 0-9, single hyphens, starting with a letter)
        int i = 1;
        if (!isLower(text.charAt(i))) return null;
        while (i < n && (isLower(text.charAt(i)) || isDigit(text.charAt(i))
                || (text.charAt(i) == '-' && text.charAt(i - 1) != '-'))) i++;
        if (i >= n || text.charAt(i) != ':' || text.charAt(i - 1) == '-') return null;
        String type = text.substring(1, i);
        // a keyword is lexed as such, and is no object type: leave the error to the grammar
        if (KEYWORD_TEXTS.contains(type)) return null;
        int nameStart = ++i;
        if (i >= n || !(isLower(text.charAt(i)) || text.charAt(i) == '_')) return null;
        while (i < n && (isLower(text.charAt(i)) || isDigit(text.charAt(i)) || text.charAt(i) == '_')) i++;
        String name = text.substring(nameStart, i);
        if (i < n && text.charAt(i) == ' ') i++;
        if (i >= n || text.charAt(i) != '=') return null;
        i++;
        if (i < n && text.charAt(i) == ' ') i++;
        if (i >= n || text.charAt(i) != '\'') return null;
        // the string literal: any character but ' and \, or the escapes \' and \\, up to the closing quote
        StringBuilder value = new StringBuilder(n - i);
        i++;
        while (true) {
            if (i >= n) return null;
            char c = text.charAt(i);
            if (c == '\'') break;
            if (c == '\\') {
                if (i + 1 >= n || (text.charAt(i + 1) != '\'' && text.charAt(i + 1) != '\\')) return null;
                c = text.charAt(++i);
            }
            value.append(c);
            i++;
        }
        if (i != n - 2) return null; // the closing quote must be followed by the final ']' only
        return new StixPattern(text, new ObservationExpression.Observation(new ComparisonExpression.Comparison(
                new ObjectPath(type, List.of(new ObjectPath.PathStep.Key(name))), false, ComparisonOperator.EQUAL,
                new Constant.StringConstant(value.toString()))));
    }

    private static boolean isLower(char c) { return c >= 'a' && c <= 'z'; }
    private static boolean isDigit(char c) { return c >= '0' && c <= '9'; }

    /** The words the lexer reads as keywords (in lower case; the fast path sees no upper case). */
    private static final java.util.Set<String> KEYWORD_TEXTS = java.util.Set.of("and", "or", "not", "followedby",
            "like", "matches", "issuperset", "issubset", "exists", "in", "start", "stop", "seconds", "times", "within",
            "repeats", "true", "false");

    private static StixPatternGrammarParser newParser(String text) {
        StixPatternGrammarLexer lexer = new StixPatternGrammarLexer(CharStreams.fromString(text));
        lexer.removeErrorListeners();
        StixPatternGrammarParser parser = new StixPatternGrammarParser(new CommonTokenStream(lexer));
        parser.removeErrorListeners();
        return parser;
    }

    /** Turns ANTLR's first complaint into our message and stops. */
    private static final class FirstErrorThrower extends BaseErrorListener {
        @Override
        public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line, int column,
                                String antlrMessage, RecognitionException e) {
            Token found = (Token) offendingSymbol;
            IntervalSet expected = recognizer instanceof Parser parser ? parser.getExpectedTokens() : new IntervalSet();
            throw error(found, describeProblem(expected, found));
        }
    }

    private static String describeProblem(IntervalSet expected, Token found) {
        String foundText = describeFound(found);
        if (found.getType() == StixPatternGrammarLexer.InvalidCharacter && found.getText().equals("'")) {
            return "unterminated or invalid string literal (inside '...' only \\' and \\\\ are valid escapes)";
        }
        List<String> names = new ArrayList<>();
        // where a name is expected, keywords are allowed too; listing them all would bury the point
        boolean nameExpected = expected.contains(StixPatternGrammarLexer.Identifier)
                && expected.contains(StixPatternGrammarLexer.TIMES);
        for (int type : expected.toList()) {
            if (nameExpected && (KEYWORDS.contains(type) || type == StixPatternGrammarLexer.BoolLiteral)) continue;
            if (type == Token.EOF) names.add("end of pattern");
            else names.add(describeTokenType(type));
        }
        if (names.isEmpty()) return "unexpected " + foundText;
        String expectation = names.size() == 1 ? names.getFirst() : "one of " + String.join(", ", names);
        return "expected " + expectation + " but found " + foundText;
    }

    private static String describeFound(Token found) {
        if (found.getType() == Token.EOF) return "end of pattern";
        if (found.getType() == StixPatternGrammarLexer.InvalidCharacter) {
            return "unexpected character '" + found.getText() + "'";
        }
        String text = found.getText().length() <= 60 ? found.getText() : found.getText().substring(0, 57) + "...";
        // literals carry their own quotes (t'…', h'…', '…')
        return text.endsWith("'") ? "the literal " + text : "'" + text + "'";
    }

    private static String describeTokenType(int type) {
        String symbolic = StixPatternGrammarLexer.VOCABULARY.getSymbolicName(type);
        if (KEYWORDS.contains(type)) return "'" + symbolic + "'";
        if (symbolic != null && TOKEN_DESCRIPTIONS.containsKey(symbolic)) return TOKEN_DESCRIPTIONS.get(symbolic);
        String literal = StixPatternGrammarLexer.VOCABULARY.getLiteralName(type);
        if (literal != null) return literal;
        return symbolic != null ? symbolic : "token " + type;
    }

    static PatternSyntaxException error(Token at, String problem) {
        int position = at.getType() == Token.EOF ? Math.max(0, at.getStartIndex()) : at.getStartIndex();
        return new PatternSyntaxException(position, at.getLine(), at.getCharPositionInLine(), problem);
    }

    /** Builds the records from the parse tree; semantic checks that need a position live here. */
    private static final class AstBuilder {

        ObservationExpression observations(ObservationExpressionsContext ctx) {
            List<ObservationExpression> operands = new ArrayList<>();
            for (ObservationExpressionOrContext or : ctx.observationExpressionOr()) operands.add(or(or));
            return junction(ObservationExpression.ObservationOperator.FOLLOWEDBY, operands);
        }

        private ObservationExpression or(ObservationExpressionOrContext ctx) {
            List<ObservationExpression> operands = new ArrayList<>();
            for (ObservationExpressionAndContext and : ctx.observationExpressionAnd()) operands.add(and(and));
            return junction(ObservationExpression.ObservationOperator.OR, operands);
        }

        private ObservationExpression and(ObservationExpressionAndContext ctx) {
            List<ObservationExpression> operands = new ArrayList<>();
            for (QualifiedObservationContext q : ctx.qualifiedObservation()) operands.add(qualified(q));
            return junction(ObservationExpression.ObservationOperator.AND, operands);
        }

        private static ObservationExpression junction(ObservationExpression.ObservationOperator op,
                                                      List<ObservationExpression> operands) {
            if (operands.size() == 1) return operands.getFirst();
            List<ObservationExpression> flat = new ArrayList<>();
            for (ObservationExpression operand : operands) {
                if (operand instanceof ObservationExpression.Junction j && j.operator() == op) flat.addAll(j.operands());
                else flat.add(operand);
            }
            return new ObservationExpression.Junction(op, flat);
        }

        private ObservationExpression qualified(QualifiedObservationContext ctx) {
            ObservationExpression expression = switch (ctx.observationExpression()) {
                case ObservationContext o -> new ObservationExpression.Observation(comparison(o.comparisonExpression()));
                case GroupedObservationContext g -> observations(g.observationExpressions());
                default -> throw new IllegalStateException("unknown observation form");
            };
            for (QualifierContext q : ctx.qualifier()) {
                expression = new ObservationExpression.Qualified(expression, qualifier(q));
            }
            return expression;
        }

        private Qualifier qualifier(QualifierContext ctx) {
            return switch (ctx) {
                case WithinQualifierContext w -> {
                    TerminalNode number = w.IntPosLiteral() != null ? w.IntPosLiteral() : w.FloatPosLiteral();
                    BigDecimal seconds = new BigDecimal(number.getText());
                    if (seconds.signum() <= 0) {
                        throw error(number.getSymbol(), "WITHIN needs a positive number of seconds");
                    }
                    yield new Qualifier.Within(seconds);
                }
                case RepeatsQualifierContext r -> {
                    BigInteger times = new BigInteger(r.IntPosLiteral().getText());
                    if (times.signum() <= 0 || times.bitLength() > 31) {
                        throw error(r.IntPosLiteral().getSymbol(), "REPEATS needs a positive integer below 2^31");
                    }
                    yield new Qualifier.Repeats(times.intValue());
                }
                case StartStopQualifierContext s -> {
                    Constant.TimestampConstant start = timestamp(s.TimestampLiteral(0));
                    Constant.TimestampConstant stop = timestamp(s.TimestampLiteral(1));
                    if (!stop.instant().isAfter(start.instant())) {
                        throw error(s.TimestampLiteral(1).getSymbol(), "the STOP time must be later than the START time");
                    }
                    yield new Qualifier.StartStop(start, stop);
                }
                default -> throw new IllegalStateException("unknown qualifier");
            };
        }

        private ComparisonExpression comparison(ComparisonExpressionContext ctx) {
            List<ComparisonExpression> operands = new ArrayList<>();
            for (ComparisonExpressionAndContext and : ctx.comparisonExpressionAnd()) {
                List<ComparisonExpression> tests = new ArrayList<>();
                for (PropTestContext test : and.propTest()) tests.add(test(test));
                operands.add(junction(ComparisonExpression.BooleanOperator.AND, tests));
            }
            return junction(ComparisonExpression.BooleanOperator.OR, operands);
        }

        private static ComparisonExpression junction(ComparisonExpression.BooleanOperator op,
                                                     List<ComparisonExpression> operands) {
            if (operands.size() == 1) return operands.getFirst();
            List<ComparisonExpression> flat = new ArrayList<>();
            for (ComparisonExpression operand : operands) {
                if (operand instanceof ComparisonExpression.Junction j && j.operator() == op) flat.addAll(j.operands());
                else flat.add(operand);
            }
            return new ComparisonExpression.Junction(op, flat);
        }

        private ComparisonExpression test(PropTestContext ctx) {
            return switch (ctx) {
                case PathTestContext t -> operatorTest(path(t.objectPath()), t.NOT() != null, t.operatorTest());
                case GroupedTestContext t -> comparison(t.comparisonExpression());
                case ExistsTestContext t -> new ComparisonExpression.Exists(path(t.objectPath()));
                default -> throw new IllegalStateException("unknown comparison form");
            };
        }

        private ComparisonExpression operatorTest(ObjectPath path, boolean negated, OperatorTestContext ctx) {
            return switch (ctx) {
                case EqualityTestContext t -> new ComparisonExpression.Comparison(path, negated,
                        t.EQ() != null ? ComparisonOperator.EQUAL : ComparisonOperator.NOT_EQUAL,
                        primitive(t.primitiveLiteral()));
                case OrderingTestContext t -> new ComparisonExpression.Comparison(path, negated,
                        t.GT() != null ? ComparisonOperator.GREATER
                                : t.LT() != null ? ComparisonOperator.LESS
                                : t.GE() != null ? ComparisonOperator.GREATER_OR_EQUAL
                                : ComparisonOperator.LESS_OR_EQUAL,
                        orderable(t.orderableLiteral()));
                case SetTestContext t -> {
                    List<Constant> elements = new ArrayList<>();
                    for (PrimitiveLiteralContext p : t.setLiteral().primitiveLiteral()) elements.add(primitive(p));
                    yield new ComparisonExpression.Comparison(path, negated, ComparisonOperator.IN, new Constant.SetConstant(elements));
                }
                case LikeTestContext t -> stringTest(path, negated, ComparisonOperator.LIKE, t.StringLiteral());
                case RegexTestContext t -> stringTest(path, negated, ComparisonOperator.MATCHES, t.StringLiteral());
                case IsSubsetTestContext t -> stringTest(path, negated, ComparisonOperator.IS_SUBSET, t.StringLiteral());
                case IsSupersetTestContext t -> stringTest(path, negated, ComparisonOperator.IS_SUPERSET, t.StringLiteral());
                default -> throw new IllegalStateException("unknown comparison operator");
            };
        }

        private ComparisonExpression stringTest(ObjectPath path, boolean negated, ComparisonOperator op,
                                                TerminalNode literal) {
            Constant.StringConstant value = string(literal);
            if (op == ComparisonOperator.MATCHES) {
                try {
                    java.util.regex.Pattern.compile(value.value());
                } catch (java.util.regex.PatternSyntaxException e) {
                    throw error(literal.getSymbol(), "MATCHES needs a valid regular expression: " + e.getDescription());
                }
            }
            return new ComparisonExpression.Comparison(path, negated, op, value);
        }

        private ObjectPath path(ObjectPathContext ctx) {
            String type = ctx.objectType().getText();
            if (!isObjectTypeName(type)) {
                throw error(ctx.objectType().getStart(),
                        "object type '" + type + "' must use only a-z, 0-9 and single hyphens");
            }
            List<ObjectPath.PathStep> steps = new ArrayList<>();
            FirstPathComponentContext first = ctx.firstPathComponent();
            steps.add(new ObjectPath.PathStep.Key(key(first.pathName(), first.StringLiteral())));
            for (PathStepContext step : ctx.pathStep()) {
                switch (step) {
                    case KeyStepContext k -> steps.add(new ObjectPath.PathStep.Key(key(k.pathName(), k.StringLiteral())));
                    case IndexStepContext i -> {
                        if (i.ASTERISK() != null) {
                            steps.add(new ObjectPath.PathStep.AnyIndex());
                        } else {
                            TerminalNode n = i.IntPosLiteral() != null ? i.IntPosLiteral() : i.IntNegLiteral();
                            BigInteger index = new BigInteger(n.getText());
                            if (index.bitLength() > 31) throw error(n.getSymbol(), "list index out of range");
                            steps.add(new ObjectPath.PathStep.Index(index.intValue()));
                        }
                    }
                    default -> throw new IllegalStateException("unknown path step");
                }
            }
            return new ObjectPath(type, steps);
        }

        /** a-z, 0-9 and single hyphens, as STIX type names are (checked by hand: this runs per comparison). */
        private static boolean isObjectTypeName(String type) {
            char previous = '-';
            for (int i = 0; i < type.length(); i++) {
                char c = type.charAt(i);
                boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c == '-' && previous != '-');
                if (!ok) return false;
                previous = c;
            }
            return previous != '-';
        }

        private String key(PathNameContext name, TerminalNode quoted) {
            if (quoted != null) return string(quoted).value();
            String text = name.getText();
            if (text.indexOf('-') >= 0) {
                throw error(name.getStart(), "property name '" + text + "' contains '-'; quote it as '" + text + "'");
            }
            return text;
        }

        private Constant primitive(PrimitiveLiteralContext ctx) {
            if (ctx.BoolLiteral() != null) {
                return new Constant.BooleanConstant(ctx.BoolLiteral().getText().equalsIgnoreCase("true"));
            }
            return orderable(ctx.orderableLiteral());
        }

        private Constant orderable(OrderableLiteralContext ctx) {
            Token token = ctx.getStart();
            String text = token.getText();
            return switch (token.getType()) {
                case StixPatternGrammarLexer.IntPosLiteral, StixPatternGrammarLexer.IntNegLiteral ->
                        new Constant.IntegerConstant(new BigInteger(text.startsWith("+") ? text.substring(1) : text));
                case StixPatternGrammarLexer.FloatPosLiteral, StixPatternGrammarLexer.FloatNegLiteral ->
                        new Constant.FloatConstant(new BigDecimal(text.startsWith("+") ? text.substring(1) : text));
                case StixPatternGrammarLexer.StringLiteral -> unescape(text);
                case StixPatternGrammarLexer.HexLiteral -> new Constant.HexConstant(text.substring(2, text.length() - 1));
                case StixPatternGrammarLexer.BinaryLiteral -> new Constant.BinaryConstant(text.substring(2, text.length() - 1));
                case StixPatternGrammarLexer.TimestampLiteral -> timestamp(ctx.TimestampLiteral());
                default -> throw error(token, "unexpected literal '" + text + "'");
            };
        }

        private Constant.TimestampConstant timestamp(TerminalNode node) {
            String text = node.getText();
            String inner = text.substring(2, text.length() - 1);
            try {
                return new Constant.TimestampConstant(inner, Instant.parse(inner));
            } catch (DateTimeParseException e) {
                throw error(node.getSymbol(), "'" + inner + "' is not a valid date and time");
            }
        }

        private Constant.StringConstant string(TerminalNode node) {
            return unescape(node.getText());
        }

        private static Constant.StringConstant unescape(String quoted) {
            String body = quoted.substring(1, quoted.length() - 1);
            if (body.indexOf('\\') < 0) return new Constant.StringConstant(body);
            StringBuilder out = new StringBuilder(body.length());
            for (int i = 0; i < body.length(); i++) {
                char c = body.charAt(i);
                // the lexer only admits \' and \\, so the next character is the escaped one
                if (c == '\\') c = body.charAt(++i);
                out.append(c);
            }
            return new Constant.StringConstant(out.toString());
        }
    }
}
