//! One condition (operator, key, values) with its values typed and compiled at parse time.

use std::net::IpAddr;

use base64::Engine;
use ipnet::IpNet;

use super::operator::{Base, Family, Operator};
use super::variable::{pieces, Piece, VariableSyntax};
use super::Loc;
use crate::pattern::{Matcher, Token};
use crate::timestamp::{self, Nanos};

/// `operator: { key: values }`, flattened.
#[derive(Debug, Clone)]
pub struct Condition {
    pub operator: Operator,
    /// Location of the operator's name.
    pub operator_loc: Loc,
    /// The key as written.
    pub key: String,
    /// Lowercased: key names compare case-insensitively (R1.9).
    pub key_lower: String,
    pub key_loc: Loc,
    pub values: Vec<CondValue>,
    /// Location of the value (a string or an array).
    pub values_loc: Loc,
}

/// One listed value.
#[derive(Debug, Clone)]
pub struct CondValue {
    /// Text form: strings as written, numbers and booleans as their JSON lexeme (R1.9).
    pub raw: String,
    pub loc: Loc,
    pub typed: Typed,
}

/// A value typed for its operator family. `None` means the text does not parse as that type:
/// the condition then never matches for a positive operator (R3.9).
#[derive(Debug, Clone)]
pub enum Typed {
    String(StringPattern),
    Arn(ArnPattern),
    Numeric(Option<f64>),
    Date(Option<Nanos>),
    Bool(Option<bool>),
    Binary(Option<Vec<u8>>),
    Ip(Option<IpNet>),
    Null(Option<bool>),
}

/// A string pattern, possibly with policy variables.
#[derive(Debug, Clone)]
pub struct StringPattern {
    pub pieces: Vec<Piece>,
    /// Precompiled when there are no variables (the common case).
    pub compiled: Option<Matcher>,
    /// Compare lowercased (the `IgnoreCase` operators).
    pub fold_case: bool,
}

/// An ARN pattern: the same pieces, matched part by part after splitting on the first five
/// colons (R3.10).
#[derive(Debug, Clone)]
pub struct ArnPattern {
    pub pieces: Vec<Piece>,
    pub compiled: Option<Vec<Matcher>>,
}

impl StringPattern {
    fn new(raw: &str, base: Base, variables: bool) -> Result<Self, VariableSyntax> {
        let fold_case = base.ignores_case();
        let text = if fold_case {
            raw.to_lowercase()
        } else {
            raw.to_string()
        };
        let pieces = pieces(&text, base.is_like(), variables)?;
        let compiled = all_tokens(&pieces).map(|t| Matcher::from_tokens(&t));
        Ok(StringPattern {
            pieces,
            compiled,
            fold_case,
        })
    }

    pub fn has_variables(&self) -> bool {
        self.compiled.is_none()
    }

    /// Does this value accept `text`, compared as the evaluator compares it (lowercased for
    /// the `IgnoreCase` operators)? `None` when the value has variables, which need a request.
    pub fn accepts(&self, text: &str) -> Option<bool> {
        let m = self.compiled.as_ref()?;
        Some(if self.fold_case {
            m.is_match(&text.to_lowercase())
        } else {
            m.is_match(text)
        })
    }
}

impl ArnPattern {
    fn new(raw: &str, variables: bool) -> Result<Self, VariableSyntax> {
        let pieces = pieces(raw, true, variables)?;
        let compiled = all_tokens(&pieces).map(|t| arn_matchers(&t));
        Ok(ArnPattern { pieces, compiled })
    }
}

/// The tokens of a variable-free value.
fn all_tokens(pieces: &[Piece]) -> Option<Vec<Token>> {
    pieces
        .iter()
        .map(|p| match p {
            Piece::Token(t) => Some(t.clone()),
            Piece::Var(_) => None,
        })
        .collect()
}

/// Split a token list at the first five colons of its literal text and compile each part.
pub fn arn_matchers(tokens: &[Token]) -> Vec<Matcher> {
    let mut parts: Vec<Vec<Token>> = vec![Vec::new()];
    for t in tokens {
        match t {
            Token::Literal(s) => {
                let mut rest = s.as_str();
                while parts.len() < 6 {
                    let Some(i) = rest.find(':') else { break };
                    if let (Some(cur), Some(before)) = (parts.last_mut(), rest.get(..i)) {
                        if !before.is_empty() {
                            cur.push(Token::Literal(before.to_string()));
                        }
                    }
                    parts.push(Vec::new());
                    rest = rest.get(i + 1..).unwrap_or_default();
                }
                if let Some(cur) = parts.last_mut() {
                    if !rest.is_empty() {
                        cur.push(Token::Literal(rest.to_string()));
                    }
                }
            }
            other => {
                if let Some(cur) = parts.last_mut() {
                    cur.push(other.clone());
                }
            }
        }
    }
    parts.iter().map(|p| Matcher::from_tokens(p)).collect()
}

/// Split an ARN value into its six parts, or `None` if it is not an ARN.
pub fn arn_parts(value: &str) -> Option<Vec<&str>> {
    let parts: Vec<&str> = value.splitn(6, ':').collect();
    (parts.len() == 6 && parts.first() == Some(&"arn")).then_some(parts)
}

/// Type a value for an operator. Errors only for malformed variable syntax.
pub(super) fn typed(
    raw: &str,
    operator: &Operator,
    variables: bool,
) -> Result<Typed, VariableSyntax> {
    let base = operator.base;
    let vars = variables && base.takes_variables();
    Ok(match base.family() {
        Family::String => Typed::String(StringPattern::new(raw, base, vars)?),
        Family::Arn => Typed::Arn(ArnPattern::new(raw, vars)?),
        Family::Numeric => Typed::Numeric(parse_number(raw)),
        Family::Date => Typed::Date(timestamp::parse(raw)),
        Family::Bool => Typed::Bool(parse_bool(raw)),
        Family::Null => Typed::Null(parse_bool(raw)),
        Family::Binary => Typed::Binary(
            base64::engine::general_purpose::STANDARD
                .decode(raw.trim())
                .ok(),
        ),
        Family::Ip => Typed::Ip(parse_cidr(raw).map(|(net, _)| net)),
    })
}

pub fn parse_number(raw: &str) -> Option<f64> {
    raw.trim().parse::<f64>().ok().filter(|n| n.is_finite())
}

/// `true`/`false`, in any letter case (R3.6 safe reading).
pub fn parse_bool(raw: &str) -> Option<bool> {
    if raw.eq_ignore_ascii_case("true") {
        Some(true)
    } else if raw.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// How an IP value was written, for warnings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CidrForm {
    Cidr,
    /// No prefix: IPv4 reads as /32 (documented), IPv6 as /128 ([UNDOC] R5.1 safe reading).
    BareAddress,
    /// Host bits set, e.g. `203.0.113.7/24`: the mask is applied (R5.1).
    HostBitsSet,
}

/// Parse a CIDR or bare address.
pub fn parse_cidr(raw: &str) -> Option<(IpNet, CidrForm)> {
    let t = raw.trim();
    if let Ok(net) = t.parse::<IpNet>() {
        let trunc = net.trunc();
        let form = if trunc == net {
            CidrForm::Cidr
        } else {
            CidrForm::HostBitsSet
        };
        return Some((trunc, form));
    }
    t.parse::<IpAddr>()
        .ok()
        .map(|a| (IpNet::from(a), CidrForm::BareAddress))
}
