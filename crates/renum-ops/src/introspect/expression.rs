//! SQL expressions (CHECK bodies, partial-index predicates, column defaults) normalised to
//! one form, so that what the two engines keep can be compared.
//!
//! The engines hand back different text for the same expression: PostgreSQL prints its parse
//! tree (`CHECK (((char_length(name) >= 1) AND (char_length(name) <= 200)))`,
//! `plan = ANY (ARRAY['free'::text])`, `email ~~ '%@%'::text`), SQLite keeps what the
//! migration wrote (`CHECK (length(name) BETWEEN 1 AND 200)`, `plan IN ('free')`). Comparing
//! text would report differences where the engines agree, and ignoring the text would miss
//! those where they do not. So the text is parsed into a small tree and printed back one way:
//! keywords, operators and unquoted names lowercased; casts dropped (the column's type is
//! compared on its own); `BETWEEN` spelled as its two comparisons; `= ANY (ARRAY[...])` as
//! `IN (...)`; `~~` as `like`; `AND`/`OR` chains flattened; every compound operand in
//! parentheses and no other parentheses.
//!
//! A few spellings are engine dialect, rewritten to PostgreSQL's on SQLite only:
//! `length(x)` is `char_length(x)` (renum's SQLite CHECKs apply it to text, where the two
//! agree), and `strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')`, the timestamp format the SQLite
//! migrations store, is `now()`. On PostgreSQL, `'{}'::text[]` is the empty array the SQLite
//! migrations spell `'[]'`.
//!
//! The grammar is the subset the schema uses. Text outside it (a `CASE`, a subscript) is
//! kept with its whitespace collapsed: such an expression compares equal only to the very
//! same text, so the normaliser can miss an agreement but never invent one.

use std::fmt;

use renum_db::Engine;

/// The normalised form of `text`, an expression as `engine` keeps it.
pub fn normalise(text: &str, engine: Engine) -> String {
    match Parser::new(text).and_then(|mut p| p.complete()) {
        Ok(expr) => rewrite(expr, engine).to_string(),
        Err(()) => text.split_whitespace().collect::<Vec<_>>().join(" "),
    }
}

/// The normalised body of a `CHECK (...)` constraint definition, either engine's spelling
/// (PostgreSQL appends `NOT VALID` to an unvalidated one; validity is compared on its own).
pub fn check_body(definition: &str, engine: Engine) -> String {
    let text = definition.trim();
    let text = text
        .get(..5)
        .filter(|head| head.eq_ignore_ascii_case("check"))
        .map_or(text, |_| &text[5..]);
    let text = text.trim_end();
    let valid_from = text.len().saturating_sub(NOT_VALID.len());
    let text = match text.get(valid_from..) {
        Some(tail) if tail.eq_ignore_ascii_case(NOT_VALID) => &text[..valid_from],
        _ => text,
    };
    normalise(text, engine)
}

/// What PostgreSQL appends to the definition of a constraint added `NOT VALID`.
const NOT_VALID: &str = "not valid";

#[derive(Clone, Debug, PartialEq)]
enum Expr {
    /// A column or other name (lowercased unless it was quoted).
    Name(String),
    /// A literal as SQL spells it (`'it''s'`, `42`, `null`, `true`).
    Literal(String),
    Call(String, Vec<Expr>),
    Array(Vec<Expr>),
    Not(Box<Expr>),
    Negate(Box<Expr>),
    Binary(String, Box<Expr>, Box<Expr>),
    /// `a AND b AND ...` or `a OR b OR ...`.
    Chain(Logic, Vec<Expr>),
    IsNull(Box<Expr>, bool),
    In(Box<Expr>, Vec<Expr>, bool),
    Cast(Box<Expr>, String),
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Logic {
    And,
    Or,
}

impl Expr {
    fn binary(op: &str, l: Expr, r: Expr) -> Expr {
        Expr::Binary(op.to_owned(), Box::new(l), Box::new(r))
    }

    /// `a AND (b AND c)` is `a AND b AND c`: one flat list, whatever the grouping.
    fn chain(logic: Logic, l: Expr, r: Expr) -> Expr {
        let mut items = Vec::new();
        for e in [l, r] {
            match e {
                Expr::Chain(inner, more) if inner == logic => items.extend(more),
                e => items.push(e),
            }
        }
        Expr::Chain(logic, items)
    }

    fn atomic(&self) -> bool {
        matches!(
            self,
            Expr::Name(_) | Expr::Literal(_) | Expr::Call(..) | Expr::Array(_)
        )
    }
}

/// `e` with the dialect rewrites of the module comment applied and casts dropped.
fn rewrite(e: Expr, engine: Engine) -> Expr {
    let all = |items: Vec<Expr>| items.into_iter().map(|e| rewrite(e, engine)).collect();
    let one = |e: Box<Expr>| Box::new(rewrite(*e, engine));
    match e {
        Expr::Cast(inner, ty) => match (*inner, ty.as_str(), engine) {
            (Expr::Literal(l), "text[]", Engine::Postgres) if l == "'{}'" => {
                Expr::Literal("'[]'".to_owned())
            }
            (inner, _, _) => rewrite(inner, engine),
        },
        Expr::Call(name, args) => {
            let args: Vec<Expr> = all(args);
            match (engine, name.as_str(), args.as_slice()) {
                (Engine::Sqlite, "length", [_]) => Expr::Call("char_length".to_owned(), args),
                (Engine::Sqlite, "strftime", [Expr::Literal(format), Expr::Literal(now)])
                    if format == "'%Y-%m-%dT%H:%M:%f000Z'" && now == "'now'" =>
                {
                    Expr::Call("now".to_owned(), Vec::new())
                }
                _ => Expr::Call(name, args),
            }
        }
        Expr::Array(items) => Expr::Array(all(items)),
        Expr::Not(e) => Expr::Not(one(e)),
        Expr::Negate(e) => Expr::Negate(one(e)),
        Expr::Binary(op, l, r) => Expr::Binary(op, one(l), one(r)),
        Expr::Chain(logic, items) => Expr::Chain(logic, all(items)),
        Expr::IsNull(e, not) => Expr::IsNull(one(e), not),
        Expr::In(e, items, not) => Expr::In(one(e), all(items), not),
        e @ (Expr::Name(_) | Expr::Literal(_)) => e,
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        /// An operand: in parentheses unless it is a name, a literal, a call or an array.
        struct Operand<'a>(&'a Expr);
        impl fmt::Display for Operand<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                if self.0.atomic() {
                    write!(f, "{}", self.0)
                } else {
                    write!(f, "({})", self.0)
                }
            }
        }
        fn list(f: &mut fmt::Formatter<'_>, items: &[Expr], separator: &str) -> fmt::Result {
            for (i, e) in items.iter().enumerate() {
                if i > 0 {
                    f.write_str(separator)?;
                }
                write!(f, "{}", Operand(e))?;
            }
            Ok(())
        }
        match self {
            Expr::Name(n) | Expr::Literal(n) => f.write_str(n),
            Expr::Call(name, args) => {
                write!(f, "{name}(")?;
                list(f, args, ", ")?;
                f.write_str(")")
            }
            Expr::Array(items) => {
                f.write_str("array[")?;
                list(f, items, ", ")?;
                f.write_str("]")
            }
            Expr::Not(e) => write!(f, "not {}", Operand(e)),
            Expr::Negate(e) => write!(f, "-{}", Operand(e)),
            Expr::Binary(op, l, r) => write!(f, "{} {op} {}", Operand(l), Operand(r)),
            Expr::Chain(Logic::And, items) => list(f, items, " and "),
            Expr::Chain(Logic::Or, items) => list(f, items, " or "),
            Expr::IsNull(e, not) => {
                write!(
                    f,
                    "{} is {}null",
                    Operand(e),
                    if *not { "not " } else { "" }
                )
            }
            Expr::In(e, items, not) => {
                write!(f, "{} {}in (", Operand(e), if *not { "not " } else { "" })?;
                list(f, items, ", ")?;
                f.write_str(")")
            }
            Expr::Cast(e, ty) => write!(f, "{}::{ty}", Operand(e)),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    /// An unquoted word, lowercased (keyword or name).
    Word(String),
    /// A `"quoted"` name, kept as written.
    Quoted(String),
    /// A string literal with its quotes, as written.
    Str(String),
    Number(String),
    Symbol(&'static str),
}

/// Operators and punctuation, longest first so that `<=` is not read as `<`.
const SYMBOLS: &[&str] = &[
    "!~~*", "!~~", "~~*", "!~*", "::", "<=", ">=", "<>", "!=", "==", "~~", "!~", "~*", "||", "<",
    ">", "=", "~", "+", "-", "*", "/", "%", "(", ")", ",", "[", "]", ".",
];

fn tokenize(text: &str) -> Result<Vec<Token>, ()> {
    let mut tokens = Vec::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c.is_whitespace() {
            rest = &rest[c.len_utf8()..];
        } else if let Some(comment) = rest.strip_prefix("--") {
            rest = comment.find('\n').map_or("", |end| &comment[end..]);
        } else if c == '\'' || c == '"' {
            let mut end = 1;
            loop {
                let close = end + rest[end..].find(c).ok_or(())?;
                if rest[close + 1..].starts_with(c) {
                    end = close + 2;
                } else {
                    end = close + 1;
                    break;
                }
            }
            tokens.push(if c == '\'' {
                Token::Str(rest[..end].to_owned())
            } else {
                Token::Quoted(rest[..end].to_owned())
            });
            rest = &rest[end..];
        } else if c.is_ascii_digit() {
            let end = rest
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .unwrap_or(rest.len());
            tokens.push(Token::Number(rest[..end].to_owned()));
            rest = &rest[end..];
        } else if c.is_alphabetic() || c == '_' {
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
                .unwrap_or(rest.len());
            tokens.push(Token::Word(rest[..end].to_lowercase()));
            rest = &rest[end..];
        } else {
            let symbol = SYMBOLS.iter().find(|s| rest.starts_with(**s)).ok_or(())?;
            tokens.push(Token::Symbol(symbol));
            rest = &rest[symbol.len()..];
        }
    }
    Ok(tokens)
}

/// A precedence-climbing parser over PostgreSQL's operator precedence (which SQLite's agrees
/// with wherever the engines' printed forms meet).
struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

type Parsed = Result<Expr, ()>;

impl Parser {
    fn new(text: &str) -> Result<Parser, ()> {
        Ok(Parser {
            tokens: tokenize(text)?,
            at: 0,
        })
    }

    /// The whole text as one expression, or an error if anything is left over.
    fn complete(&mut self) -> Parsed {
        let e = self.or()?;
        if self.at == self.tokens.len() {
            Ok(e)
        } else {
            Err(())
        }
    }

    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn peek_word(&self, offset: usize) -> Option<&str> {
        match self.tokens.get(self.at + offset) {
            Some(Token::Word(w)) => Some(w),
            _ => None,
        }
    }

    fn eat_word(&mut self, word: &str) -> bool {
        let found = self.peek_word(0) == Some(word);
        self.at += usize::from(found);
        found
    }

    fn eat_symbol(&mut self, symbol: &str) -> bool {
        let found = matches!(self.peek(), Some(Token::Symbol(s)) if *s == symbol);
        self.at += usize::from(found);
        found
    }

    fn expect_symbol(&mut self, symbol: &str) -> Result<(), ()> {
        self.eat_symbol(symbol).then_some(()).ok_or(())
    }

    fn or(&mut self) -> Parsed {
        let mut e = self.and()?;
        while self.eat_word("or") {
            e = Expr::chain(Logic::Or, e, self.and()?);
        }
        Ok(e)
    }

    fn and(&mut self) -> Parsed {
        let mut e = self.not()?;
        while self.eat_word("and") {
            e = Expr::chain(Logic::And, e, self.not()?);
        }
        Ok(e)
    }

    fn not(&mut self) -> Parsed {
        if self.eat_word("not") {
            Ok(Expr::Not(Box::new(self.not()?)))
        } else {
            self.is()
        }
    }

    /// `IS [NOT] NULL`, below the comparisons as in PostgreSQL.
    fn is(&mut self) -> Parsed {
        let mut e = self.comparison()?;
        while self.eat_word("is") {
            let not = self.eat_word("not");
            if !self.eat_word("null") {
                return Err(());
            }
            e = Expr::IsNull(Box::new(e), not);
        }
        Ok(e)
    }

    /// `= <> < > <= >=`, with `= ANY (ARRAY[...])` read as `IN (...)`.
    fn comparison(&mut self) -> Parsed {
        let l = self.pattern()?;
        let op = match self.peek() {
            Some(Token::Symbol(s @ ("=" | "==" | "<>" | "!=" | "<" | ">" | "<=" | ">="))) => {
                match *s {
                    "==" => "=",
                    "!=" => "<>",
                    s => s,
                }
            }
            _ => return Ok(l),
        };
        self.at += 1;
        if op == "=" && self.peek_word(0) == Some("any") {
            self.at += 1;
            self.expect_symbol("(")?;
            let inner = self.or()?;
            self.expect_symbol(")")?;
            return match inner {
                Expr::Array(items) => Ok(Expr::In(Box::new(l), items, false)),
                _ => Err(()),
            };
        }
        Ok(Expr::binary(op, l, self.pattern()?))
    }

    /// `[NOT] LIKE | GLOB | IN | BETWEEN`, and PostgreSQL's `~~` family for LIKE.
    fn pattern(&mut self) -> Parsed {
        let l = self.other()?;
        let not = self.peek_word(0) == Some("not")
            && matches!(self.peek_word(1), Some("like" | "glob" | "in" | "between"));
        self.at += usize::from(not);
        let negate = |e: Expr, not: bool| if not { Expr::Not(Box::new(e)) } else { e };
        match self.peek() {
            Some(Token::Word(w)) if w == "like" || w == "glob" => {
                let op = w.clone();
                self.at += 1;
                Ok(negate(Expr::binary(&op, l, self.other()?), not))
            }
            Some(Token::Word(w)) if w == "in" => {
                self.at += 1;
                self.expect_symbol("(")?;
                let items = self.items(")")?;
                Ok(Expr::In(Box::new(l), items, not))
            }
            Some(Token::Word(w)) if w == "between" => {
                self.at += 1;
                let low = self.other()?;
                if !self.eat_word("and") {
                    return Err(());
                }
                let high = self.other()?;
                let range = Expr::chain(
                    Logic::And,
                    Expr::binary(">=", l.clone(), low),
                    Expr::binary("<=", l, high),
                );
                Ok(negate(range, not))
            }
            Some(Token::Symbol(s @ ("~~" | "!~~" | "~~*" | "!~~*"))) if !not => {
                let (op, negated) = match *s {
                    "~~" => ("like", false),
                    "!~~" => ("like", true),
                    "~~*" => ("ilike", false),
                    _ => ("ilike", true),
                };
                self.at += 1;
                Ok(negate(Expr::binary(op, l, self.other()?), negated))
            }
            _ if not => Err(()),
            _ => Ok(l),
        }
    }

    /// Other operators (`~`, `||`), above the comparisons.
    fn other(&mut self) -> Parsed {
        self.left_associative(&["~", "!~", "~*", "!~*", "||"], Self::additive)
    }

    fn additive(&mut self) -> Parsed {
        self.left_associative(&["+", "-"], Self::multiplicative)
    }

    fn multiplicative(&mut self) -> Parsed {
        self.left_associative(&["*", "/", "%"], Self::unary)
    }

    /// `operand (op operand)*` for the binary operators `ops`, grouped from the left.
    fn left_associative(&mut self, ops: &[&str], operand: fn(&mut Self) -> Parsed) -> Parsed {
        let mut l = operand(self)?;
        while let Some(Token::Symbol(op)) = self.peek() {
            let op = *op;
            if !ops.contains(&op) {
                break;
            }
            self.at += 1;
            l = Expr::binary(op, l, operand(self)?);
        }
        Ok(l)
    }

    fn unary(&mut self) -> Parsed {
        if self.eat_symbol("-") {
            return Ok(match self.unary()? {
                Expr::Literal(n) if n.starts_with(|c: char| c.is_ascii_digit()) => {
                    Expr::Literal(format!("-{n}"))
                }
                e => Expr::Negate(Box::new(e)),
            });
        }
        let mut e = self.primary()?;
        while self.eat_symbol("::") {
            e = Expr::Cast(Box::new(e), self.type_name()?);
        }
        Ok(e)
    }

    /// A type after `::`: a word, the words that continue a multi-word type name (`double
    /// precision`, `character varying`, `timestamp with time zone`), an optional `(n)` and
    /// any number of `[]`. Only known continuations are taken: in `'x'::text AND b`, `AND`
    /// belongs to the expression.
    fn type_name(&mut self) -> Result<String, ()> {
        let first = self.peek_word(0).ok_or(())?.to_owned();
        self.at += 1;
        let mut words = vec![first.clone()];
        let mut take = |p: &mut Parser, word: &str| {
            let found = p.eat_word(word);
            if found {
                words.push(word.to_owned());
            }
            found
        };
        match first.as_str() {
            "double" => {
                take(self, "precision");
            }
            "character" | "bit" => {
                take(self, "varying");
            }
            "timestamp" | "time" => {
                let zoned = take(self, "with") || take(self, "without");
                if zoned && !(take(self, "time") && take(self, "zone")) {
                    return Err(());
                }
            }
            _ => {}
        }
        let mut ty = words.join(" ");
        if self.eat_symbol("(") {
            ty.push('(');
            while let Some(Token::Number(n)) = self.peek() {
                ty.push_str(n);
                self.at += 1;
                if self.eat_symbol(",") {
                    ty.push(',');
                }
            }
            self.expect_symbol(")")?;
            ty.push(')');
        }
        while self.eat_symbol("[") {
            self.expect_symbol("]")?;
            ty.push_str("[]");
        }
        Ok(ty)
    }

    /// Comma-separated expressions up to `close` (already past the opening bracket).
    fn items(&mut self, close: &str) -> Result<Vec<Expr>, ()> {
        let mut items = Vec::new();
        if self.eat_symbol(close) {
            return Ok(items);
        }
        loop {
            items.push(self.or()?);
            if self.eat_symbol(close) {
                return Ok(items);
            }
            self.expect_symbol(",")?;
        }
    }

    fn primary(&mut self) -> Parsed {
        let token = self.peek().cloned().ok_or(())?;
        self.at += 1;
        match token {
            Token::Str(s) => Ok(Expr::Literal(s)),
            Token::Number(n) => Ok(Expr::Literal(n)),
            Token::Quoted(q) => Ok(Expr::Name(q)),
            Token::Symbol("(") => {
                let e = self.or()?;
                self.expect_symbol(")")?;
                Ok(e)
            }
            Token::Word(w) if w == "array" && self.eat_symbol("[") => {
                Ok(Expr::Array(self.items("]")?))
            }
            Token::Word(w) if matches!(w.as_str(), "null" | "true" | "false") => {
                Ok(Expr::Literal(w))
            }
            Token::Word(w) if RESERVED.contains(&w.as_str()) => Err(()),
            Token::Word(w) if self.eat_symbol("(") => Ok(Expr::Call(w, self.items(")")?)),
            Token::Word(mut name) => {
                while self.eat_symbol(".") {
                    match self.peek().cloned() {
                        Some(Token::Word(part) | Token::Quoted(part)) => {
                            self.at += 1;
                            name = format!("{name}.{part}");
                        }
                        _ => return Err(()),
                    }
                }
                Ok(Expr::Name(name))
            }
            _ => Err(()),
        }
    }
}

/// Words that cannot start an operand: meeting one there means the text is outside the
/// grammar (a `CASE`, a subquery), which is then kept as text rather than misread as a name.
const RESERVED: &[&str] = &[
    "and", "or", "not", "is", "in", "like", "glob", "between", "case", "when", "then", "else",
    "end", "select", "exists", "any", "all", "some", "cast", "collate", "escape",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn pg(text: &str) -> String {
        normalise(text, Engine::Postgres)
    }

    fn lite(text: &str) -> String {
        normalise(text, Engine::Sqlite)
    }

    #[test]
    fn the_written_and_the_printed_spelling_of_a_check_agree() {
        let pairs = [
            (
                "CHECK (length(name) BETWEEN 1 AND 200)",
                "CHECK (((char_length(name) >= 1) AND (char_length(name) <= 200)))",
            ),
            (
                "CHECK (plan IN ('free', 'starter', 'pro'))",
                "CHECK ((plan = ANY (ARRAY['free'::text, 'starter'::text, 'pro'::text])))",
            ),
            (
                "CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254 AND email LIKE '%_@_%')",
                "CHECK (((email = lower(email)) AND ((char_length(email) >= 3) AND (char_length(email) <= 254)) AND (email ~~ '%_@_%'::text)))",
            ),
            (
                "CHECK (duration_ms >= 0)",
                "CHECK ((duration_ms >= (0)::double precision))",
            ),
            (
                "CHECK ((status = 'completed') = (completed_at IS NOT NULL))",
                "CHECK (((status = 'completed'::text) = (completed_at IS NOT NULL)))",
            ),
            (
                "CHECK (parent_video_id IS NULL OR (module_type = 'clip' AND parent_video_id <> id))",
                "CHECK (((parent_video_id IS NULL) OR ((module_type = 'clip'::text) AND (parent_video_id <> id))))",
            ),
            (
                "CHECK (clip_position >= 0)",
                "CHECK ((clip_position >= 0)) NOT VALID",
            ),
        ];
        for (written, printed) in pairs {
            assert_eq!(
                check_body(written, Engine::Sqlite),
                check_body(printed, Engine::Postgres),
                "{written}"
            );
        }
        assert_eq!(
            check_body("CHECK (length(name) BETWEEN 1 AND 200)", Engine::Sqlite),
            "(char_length(name) >= 1) and (char_length(name) <= 200)"
        );
    }

    #[test]
    fn predicates_and_defaults_agree_across_spellings() {
        assert_eq!(
            lite("role = 'owner' AND deleted_at IS NULL"),
            pg("role = 'owner'::text AND deleted_at IS NULL")
        );
        assert_eq!(
            lite("strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')"),
            pg("now()")
        );
        assert_eq!(lite("'[]'"), pg("'{}'::text[]"));
        assert_eq!(lite("'{}'"), pg("'{}'::jsonb"));
        assert_eq!(lite("'free'"), pg("'free'::text"));
        assert_eq!(lite("-1"), pg("-1"));
        assert_eq!(pg("'x'::character varying(10)"), "'x'");
        assert_eq!(pg("(0)::double precision"), "0");
        assert_eq!(
            pg("a > '2026-01-01'::timestamp with time zone AND b"),
            "(a > '2026-01-01') and b"
        );
    }

    #[test]
    fn different_expressions_stay_different() {
        let pairs = [
            ("a >= 0", "a > 0"),
            ("s = 'x'", "s = 'X'"),
            ("a AND b", "a OR b"),
            ("a OR b AND c", "(a OR b) AND c"),
            ("s IN ('a', 'b')", "s IN ('b', 'a')"),
            ("s NOT LIKE 'x%'", "s LIKE 'x%'"),
            ("n BETWEEN 1 AND 2", "n BETWEEN 1 AND 3"),
            ("x IS NULL", "x IS NOT NULL"),
            ("'{a}'", "'[]'"),
        ];
        for (a, b) in pairs {
            assert_ne!(pg(a), pg(b), "{a} vs {b}");
        }
        // The SQLite dialect is rewritten on SQLite only.
        assert_ne!(pg("length(s) <= 3"), lite("length(s) <= 3"));
        assert_ne!(pg("'{a}'::text[]"), lite("'[]'"));
    }

    #[test]
    fn text_outside_the_grammar_is_kept_as_text() {
        assert_eq!(
            pg("CASE WHEN a  THEN 1 ELSE 2 END"),
            "CASE WHEN a THEN 1 ELSE 2 END"
        );
        assert_eq!(pg("a = 1 b"), "a = 1 b");
        assert_eq!(pg("'unterminated"), "'unterminated");
    }

    #[test]
    fn quoting_and_case() {
        assert_eq!(pg("\"Mixed\" = 'A'"), "\"Mixed\" = 'A'");
        assert_eq!(pg("Mixed = 'A'"), "mixed = 'A'");
        assert_eq!(pg("NOT (a = 1)"), "not (a = 1)");
        assert_eq!(lite("slug NOT GLOB '-*'"), "not (slug glob '-*')");
        assert_eq!(pg("slug !~~ '-%'::text"), lite("slug NOT LIKE '-%'"));
    }
}
