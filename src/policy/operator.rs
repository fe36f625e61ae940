//! Condition operator names: `[ForAllValues:|ForAnyValue:]<Base>[IfExists]` (semantics R1.9, R3.1).

/// A set qualifier (R3.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SetQualifier {
    ForAllValues,
    ForAnyValue,
}

/// Operator families, which decide how values are typed (R3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    String,
    Numeric,
    Date,
    Bool,
    Binary,
    Ip,
    Arn,
    Null,
}

macro_rules! bases {
    ($($name:ident => $family:ident, $negated:expr;)*) => {
        /// A base operator, without qualifier or `IfExists`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Base { $($name,)* }

        impl Base {
            /// Every base operator, for lookups and suggestions.
            pub const ALL: &'static [Base] = &[$(Base::$name,)*];

            pub fn name(self) -> &'static str {
                match self { $(Base::$name => stringify!($name),)* }
            }

            pub fn family(self) -> Family {
                match self { $(Base::$name => Family::$family,)* }
            }

            /// Negated operators combine their values with NOR and are true on a missing key
            /// (R3.2, R3.3).
            pub fn is_negated(self) -> bool {
                match self { $(Base::$name => $negated,)* }
            }
        }
    };
}

bases! {
    StringEquals => String, false;
    StringNotEquals => String, true;
    StringEqualsIgnoreCase => String, false;
    StringNotEqualsIgnoreCase => String, true;
    StringLike => String, false;
    StringNotLike => String, true;
    NumericEquals => Numeric, false;
    NumericNotEquals => Numeric, true;
    NumericLessThan => Numeric, false;
    NumericLessThanEquals => Numeric, false;
    NumericGreaterThan => Numeric, false;
    NumericGreaterThanEquals => Numeric, false;
    DateEquals => Date, false;
    DateNotEquals => Date, true;
    DateLessThan => Date, false;
    DateLessThanEquals => Date, false;
    DateGreaterThan => Date, false;
    DateGreaterThanEquals => Date, false;
    Bool => Bool, false;
    BinaryEquals => Binary, false;
    IpAddress => Ip, false;
    NotIpAddress => Ip, true;
    ArnEquals => Arn, false;
    ArnLike => Arn, false;
    ArnNotEquals => Arn, true;
    ArnNotLike => Arn, true;
    Null => Null, false;
}

impl Base {
    /// `true` for operators where `*` and `?` are wildcards.
    pub fn is_like(self) -> bool {
        matches!(
            self,
            Base::StringLike
                | Base::StringNotLike
                | Base::ArnLike
                | Base::ArnNotLike
                | Base::ArnEquals
                | Base::ArnNotEquals
        )
    }

    pub fn ignores_case(self) -> bool {
        matches!(
            self,
            Base::StringEqualsIgnoreCase | Base::StringNotEqualsIgnoreCase
        )
    }

    /// Policy variables are substituted only for String and ARN operators (R4.5).
    pub fn takes_variables(self) -> bool {
        matches!(self.family(), Family::String | Family::Arn)
    }
}

/// A full operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Operator {
    pub set: Option<SetQualifier>,
    pub base: Base,
    pub if_exists: bool,
}

/// Why an operator name is not one IAM knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OperatorNameError {
    /// Not a known operator; carries the closest known spelling, if any.
    Unknown { suggestion: Option<String> },
    /// `Null` cannot take `IfExists`.
    NullWithIfExists,
}

impl Operator {
    /// Parse an operator name. Names are case-sensitive (R1.9).
    pub fn parse(name: &str) -> Result<Self, OperatorNameError> {
        let (set, rest) = if let Some(r) = name.strip_prefix("ForAllValues:") {
            (Some(SetQualifier::ForAllValues), r)
        } else if let Some(r) = name.strip_prefix("ForAnyValue:") {
            (Some(SetQualifier::ForAnyValue), r)
        } else {
            (None, name)
        };
        let (base_name, if_exists) = match rest.strip_suffix("IfExists") {
            Some(b) => (b, true),
            None => (rest, false),
        };
        let base = Base::ALL.iter().copied().find(|b| b.name() == base_name);
        match base {
            Some(Base::Null) if if_exists => Err(OperatorNameError::NullWithIfExists),
            Some(base) => Ok(Operator {
                set,
                base,
                if_exists,
            }),
            None => Err(OperatorNameError::Unknown {
                suggestion: suggest(name, set, base_name, if_exists),
            }),
        }
    }

    /// The canonical spelling.
    pub fn name(&self) -> String {
        let mut s = String::new();
        match self.set {
            Some(SetQualifier::ForAllValues) => s.push_str("ForAllValues:"),
            Some(SetQualifier::ForAnyValue) => s.push_str("ForAnyValue:"),
            None => {}
        }
        s.push_str(self.base.name());
        if self.if_exists {
            s.push_str("IfExists");
        }
        s
    }
}

/// The known operator closest to a misspelt one: same letters ignoring case, or one edit away.
fn suggest(
    full: &str,
    set: Option<SetQualifier>,
    base_name: &str,
    if_exists: bool,
) -> Option<String> {
    let render = |b: Base| {
        Operator {
            set,
            base: b,
            if_exists: if_exists && b != Base::Null,
        }
        .name()
    };
    if let Some(b) = Base::ALL
        .iter()
        .find(|b| b.name().eq_ignore_ascii_case(base_name))
    {
        return Some(render(*b));
    }
    let lower = full.to_ascii_lowercase();
    for prefix in ["forallvalues:", "foranyvalue:"] {
        if lower.starts_with(prefix) && set.is_none() {
            let q = if prefix.starts_with("forall") {
                SetQualifier::ForAllValues
            } else {
                SetQualifier::ForAnyValue
            };
            let rest = full.get(prefix.len()..).unwrap_or_default();
            return suggest(rest, Some(q), rest.trim_end_matches("IfExists"), if_exists);
        }
    }
    Base::ALL
        .iter()
        .map(|b| (edit_distance(b.name(), base_name), *b))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, b)| render(b))
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(usize::MAX) + usize::from(ca != *cb);
            let del = prev.get(j + 1).copied().unwrap_or(usize::MAX) + 1;
            let ins = cur.get(j).copied().unwrap_or(usize::MAX) + 1;
            cur.push(sub.min(del).min(ins));
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}
