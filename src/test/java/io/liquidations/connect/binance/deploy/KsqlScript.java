package io.liquidations.connect.binance.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Just enough of ksqlDB's lexical rules to read {@code config/ksql/*.sql} in tests: comments, string literals
 * ({@code ''} escapes a quote), quoted identifiers, words, numbers and symbols, and statements ending with
 * {@code ;}. Not a parser; {@link KsqlMappingTest} builds its column checks on these tokens.
 */
final class KsqlScript {

    enum Kind { WORD, STRING, QUOTED_IDENTIFIER, NUMBER, SYMBOL }

    /** One token. {@code text} is the source text (a string literal's content, unescaped); {@code upper} is for comparisons. */
    record Token(Kind kind, String text) {
        String upper() {
            return text.toUpperCase(Locale.ROOT);
        }

        boolean is(String symbolOrWord) {
            return (kind == Kind.WORD || kind == Kind.SYMBOL) && upper().equals(symbolOrWord.toUpperCase(Locale.ROOT));
        }

        @Override
        public String toString() {
            return kind == Kind.STRING ? "'" + text + "'" : text;
        }
    }

    private KsqlScript() {
    }

    /** The statements of a script, without comments and without their closing {@code ;}, blank ones dropped. */
    static List<String> statements(String script) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int i = 0;
        int n = script.length();
        while (i < n) {
            char c = script.charAt(i);
            if (c == '-' && i + 1 < n && script.charAt(i + 1) == '-') {
                while (i < n && script.charAt(i) != '\n') {
                    i++;
                }
                continue;
            }
            if (c == '/' && i + 1 < n && script.charAt(i + 1) == '*') {
                int end = script.indexOf("*/", i + 2);
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated /* comment");
                }
                current.append(' ');
                i = end + 2;
                continue;
            }
            if (c == '\'' || c == '"' || c == '`') {
                int end = endOfQuoted(script, i);
                current.append(script, i, end);
                i = end;
                continue;
            }
            if (c == ';') {
                addIfNotBlank(statements, current);
                current.setLength(0);
                i++;
                continue;
            }
            current.append(c);
            i++;
        }
        addIfNotBlank(statements, current);
        return statements;
    }

    /** The tokens of one statement (comments already removed by {@link #statements}). */
    static List<Token> tokens(String statement) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        int n = statement.length();
        while (i < n) {
            char c = statement.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '\'' || c == '"' || c == '`') {
                int end = endOfQuoted(statement, i);
                String body = statement.substring(i + 1, end - 1).replace(String.valueOf(c) + c, String.valueOf(c));
                tokens.add(new Token(c == '\'' ? Kind.STRING : Kind.QUOTED_IDENTIFIER, body));
                i = end;
            } else if (Character.isLetter(c) || c == '_') {
                int start = i;
                while (i < n && (Character.isLetterOrDigit(statement.charAt(i)) || statement.charAt(i) == '_'
                        || statement.charAt(i) == '@')) {
                    i++;
                }
                tokens.add(new Token(Kind.WORD, statement.substring(start, i)));
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(statement.charAt(i + 1)))) {
                int start = i;
                while (i < n && (Character.isDigit(statement.charAt(i)) || statement.charAt(i) == '.')) {
                    i++;
                }
                tokens.add(new Token(Kind.NUMBER, statement.substring(start, i)));
            } else {
                String two = i + 1 < n ? statement.substring(i, i + 2) : "";
                if (List.of("<=", ">=", "<>", "!=", "||", ":=", "->", "=>").contains(two)) {
                    tokens.add(new Token(Kind.SYMBOL, two));
                    i += 2;
                } else {
                    tokens.add(new Token(Kind.SYMBOL, String.valueOf(c)));
                    i++;
                }
            }
        }
        return tokens;
    }

    /** Index just past the quoted run starting at {@code start}; a doubled quote character is an escaped one. */
    private static int endOfQuoted(String text, int start) {
        char quote = text.charAt(start);
        int i = start + 1;
        while (i < text.length()) {
            if (text.charAt(i) == quote) {
                if (i + 1 < text.length() && text.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        throw new IllegalArgumentException("unterminated " + quote + " at offset " + start);
    }

    private static void addIfNotBlank(List<String> statements, StringBuilder statement) {
        String trimmed = statement.toString().strip();
        if (!trimmed.isEmpty()) {
            statements.add(trimmed);
        }
    }
}
