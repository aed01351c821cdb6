/*
 * The STIX 2.1 patterning language (OASIS stix-v2.1-os, section 9), written from the
 * specification text.
 *
 * Precedence, loosest first, follows the spec's operator tables:
 *   observation level: FOLLOWEDBY < OR < AND < qualifiers (WITHIN, REPEATS, START/STOP)
 *   comparison level:  OR < AND
 * Keywords are upper case, as the specification writes them; a property name
 * that collides with a keyword can still be written as a quoted key.
 */
grammar StixPatternGrammar;

pattern
    : observationExpressions EOF
    ;

observationExpressions
    : observationExpressionOr (FOLLOWEDBY observationExpressionOr)*
    ;

observationExpressionOr
    : observationExpressionAnd (OR observationExpressionAnd)*
    ;

observationExpressionAnd
    : qualifiedObservation (AND qualifiedObservation)*
    ;

qualifiedObservation
    : observationExpression qualifier*
    ;

observationExpression
    : LBRACK comparisonExpression RBRACK            # observation
    | LPAREN observationExpressions RPAREN          # groupedObservation
    ;

qualifier
    : START TimestampLiteral STOP TimestampLiteral  # startStopQualifier
    | WITHIN (IntPosLiteral | FloatPosLiteral) SECONDS # withinQualifier
    | REPEATS IntPosLiteral TIMES                   # repeatsQualifier
    ;

comparisonExpression
    : comparisonExpressionAnd (OR comparisonExpressionAnd)*
    ;

comparisonExpressionAnd
    : propTest (AND propTest)*
    ;

// Left-factored so that every decision needs one token of lookahead: the operator is
// chosen after the object path is read, which lets an error name exactly what was expected
// at the offending token (instead of the start of the comparison).
propTest
    : objectPath NOT? operatorTest                              # pathTest
    | LPAREN comparisonExpression RPAREN                        # groupedTest
    | EXISTS objectPath                                         # existsTest
    ;

operatorTest
    : (EQ | NEQ) primitiveLiteral                               # equalityTest
    | (GT | LT | GE | LE) orderableLiteral                      # orderingTest
    | IN setLiteral                                             # setTest
    | LIKE StringLiteral                                        # likeTest
    | MATCHES StringLiteral                                     # regexTest
    | ISSUBSET StringLiteral                                    # isSubsetTest
    | ISSUPERSET StringLiteral                                  # isSupersetTest
    ;

objectPath
    : objectType COLON firstPathComponent pathStep*
    ;

objectType
    : Identifier
    ;

firstPathComponent
    : Identifier
    | StringLiteral
    ;

pathStep
    : DOT (Identifier | StringLiteral)                         # keyStep
    | LBRACK (IntPosLiteral | IntNegLiteral | ASTERISK) RBRACK  # indexStep
    ;

setLiteral
    : LPAREN (primitiveLiteral (COMMA primitiveLiteral)*)? RPAREN
    ;

primitiveLiteral
    : orderableLiteral
    | BoolLiteral
    ;

orderableLiteral
    : IntPosLiteral
    | IntNegLiteral
    | FloatPosLiteral
    | FloatNegLiteral
    | StringLiteral
    | BinaryLiteral
    | HexLiteral
    | TimestampLiteral
    ;

// ---------------------------------------------------------------- lexer

AND        : 'AND' ;
OR         : 'OR' ;
NOT        : 'NOT' ;
FOLLOWEDBY : 'FOLLOWEDBY' ;
LIKE       : 'LIKE' ;
MATCHES    : 'MATCHES' ;
ISSUPERSET : 'ISSUPERSET' ;
ISSUBSET   : 'ISSUBSET' ;
EXISTS     : 'EXISTS' ;
IN         : 'IN' ;
START      : 'START' ;
STOP       : 'STOP' ;
SECONDS    : 'SECONDS' ;
TIMES      : 'TIMES' ;
WITHIN     : 'WITHIN' ;
REPEATS    : 'REPEATS' ;

BoolLiteral : 'true' | 'false' ;

// Prefixed literals come before Identifier so that h'..' is not read as the name "h".
TimestampLiteral
    : 't\'' [0-9] [0-9] [0-9] [0-9] '-' [0-9] [0-9] '-' [0-9] [0-9]
      'T' [0-9] [0-9] ':' [0-9] [0-9] ':' [0-9] [0-9] ('.' [0-9]+)? 'Z\''
    ;
HexLiteral    : 'h\'' ([0-9a-fA-F] [0-9a-fA-F])* '\'' ;
BinaryLiteral : 'b\'' ([A-Za-z0-9+/] [A-Za-z0-9+/] [A-Za-z0-9+/] [A-Za-z0-9+/])*
                ( [A-Za-z0-9+/] [A-Za-z0-9+/] '=='
                | [A-Za-z0-9+/] [A-Za-z0-9+/] [A-Za-z0-9+/] '=' )? '\'' ;
StringLiteral : '\'' ( ~['\\] | '\\\'' | '\\\\' )* '\'' ;

IntNegLiteral   : '-' ('0' | [1-9] [0-9]*) ;
IntPosLiteral   : '+'? ('0' | [1-9] [0-9]*) ;
FloatNegLiteral : '-' [0-9]* '.' [0-9]+ ;
FloatPosLiteral : '+'? [0-9]* '.' [0-9]+ ;

// One identifier token for object types (which may contain hyphens) and property
// names; the AST builder rejects a hyphen where the spec does not allow one.
Identifier : [a-zA-Z_] [a-zA-Z0-9_-]* ;

EQ       : '=' | '==' ;
NEQ      : '!=' | '<>' ;
LE       : '<=' ;
LT       : '<' ;
GE       : '>=' ;
GT       : '>' ;
LBRACK   : '[' ;
RBRACK   : ']' ;
LPAREN   : '(' ;
RPAREN   : ')' ;
COLON    : ':' ;
DOT      : '.' ;
COMMA    : ',' ;
ASTERISK : '*' ;

WS : [ \t\r\n\u000B\u000C\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+ -> skip ;
COMMENT : '/*' .*? '*/' -> skip ;
LINE_COMMENT : '//' ~[\r\n]* -> skip ;

// Anything else becomes a token the parser cannot use, so the error names it.
InvalidCharacter : . ;
