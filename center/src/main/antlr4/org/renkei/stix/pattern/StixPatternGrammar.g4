/*
 * The STIX 2.1 patterning language (OASIS stix-v2.1-os, section 9), written from the
 * specification text.
 *
 * Precedence, loosest first, follows the spec's operator tables:
 *   observation level: FOLLOWEDBY < OR < AND < qualifiers (WITHIN, REPEATS, START/STOP)
 *   comparison level:  OR < AND
 * Keywords are case-insensitive, as in the grammar published with the specification
 * (the spec writes them in upper case). Unlike that grammar, a keyword is also accepted
 * as a property name in an object path, so that network-traffic:start and
 * network-traffic:end work unquoted.
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
    : pathName
    | StringLiteral
    ;

pathStep
    : DOT (pathName | StringLiteral)                           # keyStep
    | LBRACK (IntPosLiteral | IntNegLiteral | ASTERISK) RBRACK  # indexStep
    ;

pathName
    : Identifier
    | AND | OR | NOT | FOLLOWEDBY | LIKE | MATCHES | ISSUPERSET | ISSUBSET | EXISTS | IN
    | START | STOP | SECONDS | TIMES | WITHIN | REPEATS | BoolLiteral
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

AND        : [Aa] [Nn] [Dd] ;
OR         : [Oo] [Rr] ;
NOT        : [Nn] [Oo] [Tt] ;
FOLLOWEDBY : [Ff] [Oo] [Ll] [Ll] [Oo] [Ww] [Ee] [Dd] [Bb] [Yy] ;
LIKE       : [Ll] [Ii] [Kk] [Ee] ;
MATCHES    : [Mm] [Aa] [Tt] [Cc] [Hh] [Ee] [Ss] ;
ISSUPERSET : [Ii] [Ss] [Ss] [Uu] [Pp] [Ee] [Rr] [Ss] [Ee] [Tt] ;
ISSUBSET   : [Ii] [Ss] [Ss] [Uu] [Bb] [Ss] [Ee] [Tt] ;
EXISTS     : [Ee] [Xx] [Ii] [Ss] [Tt] [Ss] ;
IN         : [Ii] [Nn] ;
START      : [Ss] [Tt] [Aa] [Rr] [Tt] ;
STOP       : [Ss] [Tt] [Oo] [Pp] ;
SECONDS    : [Ss] [Ee] [Cc] [Oo] [Nn] [Dd] [Ss] ;
TIMES      : [Tt] [Ii] [Mm] [Ee] [Ss] ;
WITHIN     : [Ww] [Ii] [Tt] [Hh] [Ii] [Nn] ;
REPEATS    : [Rr] [Ee] [Pp] [Ee] [Aa] [Tt] [Ss] ;

BoolLiteral : [tT] [rR] [uU] [eE] | [fF] [aA] [lL] [sS] [eE] ;

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
