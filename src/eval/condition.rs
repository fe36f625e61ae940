//! Evaluating one condition against the request (semantics §3, §4, §5).

use std::net::IpAddr;

use base64::Engine;

use super::trace::{ConditionTrace, Reason};
use crate::pattern::{Matcher, Token};
use crate::policy::{
    arn_matchers, arn_parts, parse_bool, parse_number, Base, CondValue, Condition, Piece,
    SetQualifier, StringPattern, Typed,
};
use crate::request::{ContextValue, Request};
use crate::timestamp;

/// Which outcome to take where AWS is silent: the statement's permissive side. In an Allow
/// statement that is "the condition holds"; in a Deny, "it does not" (the safe readings of
/// semantics §10 all say "take the more permissive").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lean {
    Hold,
    Fail,
}

/// Does one listed value match one request value?
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tri {
    Yes,
    No,
    /// The value cannot be compared (R3.9); the reason names the rule.
    Unknown(&'static str),
    /// Two undocumented readings disagree (R4.5); the permissive one is taken.
    Either(&'static str),
}

pub(crate) fn evaluate(cond: &Condition, req: &Request, lean: Lean) -> ConditionTrace {
    let value = req.get(&cond.key_lower);
    let request = value.map(|v| v.as_set().to_vec());
    let mut undocumented = None;
    let (holds, reason) = outcome(cond, value, req, lean, &mut undocumented);
    ConditionTrace {
        operator: cond.operator.name(),
        key: cond.key.clone(),
        operator_loc: cond.operator_loc.clone(),
        key_loc: cond.key_loc.clone(),
        request,
        holds,
        reason,
        undocumented,
    }
}

fn outcome(
    cond: &Condition,
    value: Option<&ContextValue>,
    req: &Request,
    lean: Lean,
    undoc: &mut Option<&'static str>,
) -> (bool, Reason) {
    let op = cond.operator;
    let set: &[String] = value.map_or(&[], ContextValue::as_set);
    let present = !set.is_empty();
    if op.base == Base::Null {
        return match op.set {
            // Access Analyzer: ForAllValues:Null is always true, ForAnyValue:Null always false.
            Some(SetQualifier::ForAllValues) => (true, Reason::AllValuesPassed { empty: !present }),
            Some(SetQualifier::ForAnyValue) => (false, Reason::NoValuePassed { empty: !present }),
            None => {
                let holds = cond.values.iter().any(|v| match v.typed {
                    Typed::Null(Some(want_absent)) => want_absent != present,
                    _ => false,
                });
                (holds, Reason::NullCheck { present })
            }
        };
    }
    if !present && op.if_exists {
        return (true, Reason::AbsentIfExists);
    }
    match op.set {
        Some(SetQualifier::ForAllValues) => {
            for r in set {
                if !base_holds(cond, r, req, lean, undoc) {
                    return (false, Reason::ValueFailed { value: r.clone() });
                }
            }
            (true, Reason::AllValuesPassed { empty: !present })
        }
        Some(SetQualifier::ForAnyValue) => {
            for r in set {
                if base_holds(cond, r, req, lean, undoc) {
                    return (true, Reason::AnyValuePassed { value: r.clone() });
                }
            }
            (false, Reason::NoValuePassed { empty: !present })
        }
        None => match value {
            None => (op.base.is_negated(), Reason::KeyAbsent),
            Some(ContextValue::Multi(v)) if v.is_empty() => {
                (op.base.is_negated(), Reason::KeyAbsent)
            }
            Some(ContextValue::Multi(_)) => {
                if op.base.is_negated() {
                    // [UNDOC] R3.8: a negated plain operator on a multivalued key; take the
                    // statement's permissive side.
                    *undoc = Some("R3.8: negated plain operator on a multivalued key");
                    (lean == Lean::Hold, Reason::MultivaluedUnderPlainOperator)
                } else {
                    // R3.8: a positive plain operator never matches a multivalued key.
                    (false, Reason::MultivaluedUnderPlainOperator)
                }
            }
            Some(ContextValue::Single(r)) => single(cond, r, req, lean, undoc),
            Some(ContextValue::Ambiguous(values)) => {
                // [UNDOC] R6.10: an array `aud`. Read as multivalued, a plain operator never
                // matches (R3.8); read as single-valued, it matches if a value does. Take the
                // statement's permissive side.
                *undoc = Some("R6.10: an array `aud`, read as multivalued and as single-valued");
                let negated = op.base.is_negated();
                let as_multi = negated && lean == Lean::Hold;
                let as_single = if negated {
                    values.iter().all(|r| base_holds(cond, r, req, lean, undoc))
                } else {
                    values.iter().any(|r| base_holds(cond, r, req, lean, undoc))
                };
                let holds = match lean {
                    Lean::Hold => as_multi || as_single,
                    Lean::Fail => as_multi && as_single,
                };
                (holds, Reason::MultivaluedUnderPlainOperator)
            }
        },
    }
}

/// Evaluate against one present value and say which listed value decided.
fn single(
    cond: &Condition,
    r: &str,
    req: &Request,
    lean: Lean,
    undoc: &mut Option<&'static str>,
) -> (bool, Reason) {
    let negated = cond.operator.base.is_negated();
    let hit = cond.values.iter().find(|v| {
        resolve(
            value_matches(cond.operator.base, v, r, req),
            negated,
            lean,
            undoc,
        )
    });
    match (hit, negated) {
        (Some(v), false) => (
            true,
            Reason::Matched {
                value: v.raw.clone(),
                loc: v.loc.clone(),
            },
        ),
        (None, false) => (false, Reason::NoneMatched),
        (Some(v), true) => (
            false,
            Reason::ExcludedMatched {
                value: v.raw.clone(),
                loc: v.loc.clone(),
            },
        ),
        (None, true) => (true, Reason::NoneExcluded),
    }
}

/// The base operator on one request value: positive = any listed value matches; negated =
/// none does (R3.2 NOR, R3.4).
fn base_holds(
    cond: &Condition,
    r: &str,
    req: &Request,
    lean: Lean,
    undoc: &mut Option<&'static str>,
) -> bool {
    let negated = cond.operator.base.is_negated();
    let any = cond.values.iter().any(|v| {
        resolve(
            value_matches(cond.operator.base, v, r, req),
            negated,
            lean,
            undoc,
        )
    });
    any != negated
}

/// Turn a three-way match into a yes/no. Positive operators never match what they cannot
/// compare (R3.9). For negated ones AWS is silent: take the statement's permissive side.
fn resolve(t: Tri, negated: bool, lean: Lean, undoc: &mut Option<&'static str>) -> bool {
    match t {
        Tri::Yes => true,
        Tri::No => false,
        Tri::Unknown(_) if !negated => false,
        Tri::Unknown(rule) => {
            *undoc = Some(rule);
            // A negated condition holds when nothing matches.
            lean == Lean::Fail
        }
        Tri::Either(rule) => {
            *undoc = Some(rule);
            (lean == Lean::Hold) != negated
        }
    }
}

fn value_matches(base: Base, v: &CondValue, r: &str, req: &Request) -> Tri {
    match &v.typed {
        Typed::String(p) => string_matches(p, r, req),
        Typed::Arn(p) => {
            let Some(value_parts) = arn_parts(r) else {
                return Tri::No;
            };
            let matchers = match &p.compiled {
                Some(m) => std::borrow::Cow::Borrowed(m),
                None => match substitute(&p.pieces, req, false) {
                    Some(tokens) => std::borrow::Cow::Owned(arn_matchers(&tokens)),
                    None => return Tri::No,
                },
            };
            let ok = matchers.len() == value_parts.len()
                && matchers
                    .iter()
                    .zip(value_parts.iter())
                    .all(|(m, part)| m.is_match(part));
            yes(ok)
        }
        Typed::Numeric(want) => match (want, parse_number(r)) {
            (Some(w), Some(got)) => yes(compare(base, got.partial_cmp(w))),
            _ => Tri::Unknown("R3.9: a value that does not parse as a number"),
        },
        Typed::Date(want) => match (want, timestamp::parse(r)) {
            (Some(w), Some(got)) => yes(compare(base, Some(got.cmp(w)))),
            _ => Tri::Unknown("R3.9: a value that does not parse as a date"),
        },
        Typed::Bool(want) => match (want, parse_bool(r)) {
            (Some(w), Some(got)) => yes(*w == got),
            _ => Tri::Unknown("R3.9: a value that is not a boolean"),
        },
        Typed::Binary(want) => {
            let got = base64::engine::general_purpose::STANDARD.decode(r.trim());
            match (want, got) {
                (Some(w), Ok(g)) => yes(*w == g),
                _ => yes(v.raw == r),
            }
        }
        Typed::Ip(net) => match (net, r.trim().parse::<IpAddr>()) {
            // R5.2: `contains` is false across address families.
            (Some(net), Ok(addr)) => yes(net.contains(&addr)),
            _ => Tri::Unknown("R3.9: a value that is not an IP address"),
        },
        Typed::Null(_) => Tri::No,
    }
}

fn yes(b: bool) -> Tri {
    if b {
        Tri::Yes
    } else {
        Tri::No
    }
}

/// Ordering operators: does `got ? want` hold? Equality operators and their negations both
/// test equality here; negation is applied by the caller.
fn compare(base: Base, ord: Option<std::cmp::Ordering>) -> bool {
    use std::cmp::Ordering::*;
    let Some(ord) = ord else { return false };
    match base {
        Base::NumericLessThan | Base::DateLessThan => ord == Less,
        Base::NumericLessThanEquals | Base::DateLessThanEquals => ord != Greater,
        Base::NumericGreaterThan | Base::DateGreaterThan => ord == Greater,
        Base::NumericGreaterThanEquals | Base::DateGreaterThanEquals => ord != Less,
        _ => ord == Equal,
    }
}

fn string_matches(p: &StringPattern, r: &str, req: &Request) -> Tri {
    let folded;
    let r = if p.fold_case {
        folded = r.to_lowercase();
        folded.as_str()
    } else {
        r
    };
    if let Some(m) = &p.compiled {
        return yes(m.is_match(r));
    }
    // R4.6: a variable with no value never matches.
    let (Some(literal), Some(wild)) = (
        substitute(&p.pieces, req, false),
        substitute(&p.pieces, req, true),
    ) else {
        return Tri::No;
    };
    let fold = |tokens: Vec<Token>| -> Vec<Token> {
        if !p.fold_case {
            return tokens;
        }
        tokens
            .into_iter()
            .map(|t| match t {
                Token::Literal(s) => Token::Literal(s.to_lowercase()),
                other => other,
            })
            .collect()
    };
    let as_literal = Matcher::from_tokens(&fold(literal)).is_match(r);
    let as_wildcard = Matcher::from_tokens(&fold(wild)).is_match(r);
    if as_literal == as_wildcard {
        yes(as_literal)
    } else {
        // [UNDOC] R4.5: whether `*`/`?` in a substituted value are wildcards; both readings
        // are computed and the permissive one is taken.
        Tri::Either("R4.5: wildcard characters inside a substituted variable")
    }
}

/// Replace each variable with its value; `None` if one has no value (R4.6). With `wild`, `*`
/// and `?` in substituted text become wildcards.
fn substitute(pieces: &[Piece], req: &Request, wild: bool) -> Option<Vec<Token>> {
    let mut out = Vec::with_capacity(pieces.len());
    for p in pieces {
        match p {
            Piece::Token(t) => out.push(t.clone()),
            Piece::Var(v) => {
                let text = req
                    .single(&v.key_lower)
                    .map(str::to_string)
                    .or_else(|| v.default.clone())?;
                if wild {
                    out.extend(crate::pattern::tokens(&text));
                } else {
                    out.push(Token::Literal(text));
                }
            }
        }
    }
    Some(out)
}
