//! The IAM reader: a trust policy, the output of `aws iam get-role` or `list-roles`, or a
//! whole-account `aws iam get-account-authorization-details` dump. Each yields documents, one
//! per role, located in the file.

use crate::json::{self, Kind, Node, Span};
use crate::policy::{self, Loc, Policy, PolicyError, PolicyErrorKind, PolicyErrors};

/// One trust policy found in a file.
#[derive(Debug, Clone)]
pub struct Document {
    /// The role's name when the file describes roles.
    pub role: Option<String>,
    /// JSON pointer of the policy in the file (`""` for a bare policy).
    pub pointer: String,
    /// The policy's span in the file (the whole file for a bare policy; the role object for a
    /// role whose document is missing).
    pub span: Span,
    pub result: Result<Policy, PolicyErrors>,
    /// Set when the policy was a URL-encoded string: the decoded text, which the policy's
    /// locations refer to, and where the string sits in the file.
    pub embedded: Option<Embedded>,
}

#[derive(Debug, Clone)]
pub struct Embedded {
    pub text: String,
    pub at: Loc,
}

/// What kind of file this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Policy,
    GetRole,
    ListRoles,
    AccountDump,
    /// JSON that is none of the above (skipped when found by walking a directory).
    Other,
}

/// Whether `text` is this reader's: JSON (an object or an array). Cheap: the first
/// character decides; [`layout`] then reports a syntax error with its location, and a JSON
/// file that holds no trust policy is [`FileKind::Other`].
pub fn sniff(text: &str) -> bool {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    t.starts_with('{') || t.starts_with('[')
}

/// Classify a parsed file by its top-level members.
pub fn kind(root: &Node) -> FileKind {
    if root.get("RoleDetailList").is_some() {
        FileKind::AccountDump
    } else if root
        .get("Role")
        .is_some_and(|r| r.get("AssumeRolePolicyDocument").is_some())
    {
        FileKind::GetRole
    } else if root.get("Roles").is_some() {
        FileKind::ListRoles
    } else if root.get("Statement").is_some() || root.get("Version").is_some() {
        FileKind::Policy
    } else {
        FileKind::Other
    }
}

/// Members that mark a CloudFormation template or a Terraform plan: JSON this reader does not
/// read as a policy even when the file is named.
const TEMPLATE_MEMBERS: &[&str] = &[
    "AWSTemplateFormatVersion",
    "Resources",
    "planned_values",
    "resource_changes",
    "terraform_version",
];

/// Is this JSON a template or a plan (another reader's format), not a policy?
pub fn is_template(root: &Node) -> bool {
    TEMPLATE_MEMBERS.iter().any(|m| root.get(m).is_some())
}

/// Split a parsed file into its trust policies.
pub fn documents(root: &Node) -> Vec<Document> {
    let mut out = Vec::new();
    for_each_document(root, |d| out.push(d));
    out
}

/// Call `visit` with each trust policy of a parsed file, one at a time, so a whole-account
/// dump never holds every parsed policy at once.
pub fn for_each_document(root: &Node, mut visit: impl FnMut(Document)) {
    let member = match kind(root) {
        FileKind::Policy | FileKind::Other => {
            visit(Document {
                role: None,
                pointer: String::new(),
                span: root.span.clone(),
                result: policy::from_node(root, ""),
                embedded: None,
            });
            return;
        }
        FileKind::GetRole => {
            if let Some(r) = root.get("Role") {
                visit(role_document(r, "/Role"));
            }
            return;
        }
        FileKind::ListRoles => "Roles",
        FileKind::AccountDump => "RoleDetailList",
    };
    let Some(items) = root.get(member).and_then(Node::as_array) else {
        return;
    };
    for (i, r) in items.iter().enumerate() {
        visit(role_document(r, &format!("/{member}/{i}")));
    }
}

fn role_document(role: &Node, pointer: &str) -> Document {
    let name = role
        .get("RoleName")
        .or_else(|| role.get("Arn"))
        .and_then(Node::as_str)
        .map(str::to_string);
    let here = format!("{pointer}/AssumeRolePolicyDocument");
    let Some(doc) = role.get("AssumeRolePolicyDocument") else {
        return Document {
            role: name,
            pointer: pointer.to_string(),
            span: role.span.clone(),
            result: Err(PolicyErrors(vec![PolicyError::new(
                PolicyErrorKind::MissingElement {
                    name: "AssumeRolePolicyDocument",
                },
                Loc::new(pointer, role.span.clone()),
            )])),
            embedded: None,
        };
    };
    match &doc.kind {
        Kind::String(encoded) => {
            let text = percent_decode(encoded);
            Document {
                role: name,
                pointer: here.clone(),
                span: doc.span.clone(),
                result: policy::parse(&text),
                embedded: Some(Embedded {
                    text,
                    at: Loc::new(here, doc.span.clone()),
                }),
            }
        }
        _ => Document {
            role: name,
            span: doc.span.clone(),
            result: policy::from_node(doc, &here),
            pointer: here,
            embedded: None,
        },
    }
}

/// Decode `%XX` escapes (the IAM API returns policies URL-encoded). Invalid escapes are kept
/// as written; the JSON parser then reports them.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(v) = hex {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// How a file's trust policies are laid out.
#[derive(Debug)]
pub enum Layout<'t> {
    /// A role listing or account dump, split into its roles' texts but not parsed: each role
    /// is parsed when it is linted, so a dump never holds more than a role's tree at a time.
    Roles(Vec<RoleText<'t>>),
    /// Any other file, parsed whole.
    Tree(Node<'t>),
}

/// One role of a listing: where it sits in the file, and its text.
#[derive(Debug, Clone, Copy)]
pub struct RoleText<'t> {
    /// `RoleDetailList` or `Roles`.
    pub member: &'static str,
    pub index: usize,
    /// Byte offset of `text` in the file.
    pub offset: usize,
    pub text: &'t str,
}

/// The members a listing is recognised by; everything else is skipped unparsed.
#[derive(serde::Deserialize)]
struct Listing<'t> {
    #[serde(rename = "RoleDetailList", borrow, default)]
    role_detail_list: Option<Vec<&'t serde_json::value::RawValue>>,
    #[serde(rename = "Roles", borrow, default)]
    roles: Option<Vec<&'t serde_json::value::RawValue>>,
    #[serde(rename = "Role", borrow, default)]
    role: Option<&'t serde_json::value::RawValue>,
}

/// Lay a file out. A file that reads as a listing (what [`kind`] calls an account dump or a
/// role list) is split into roles by serde_json, which checks the syntax without building a
/// tree; anything else, and any listing serde_json refuses (a duplicate member, a syntax
/// error), takes the strict parser, which reports the problem with its location.
pub fn layout(text: &str) -> Result<Layout<'_>, PolicyErrors> {
    // serde reads a struct from an array too; only an object can be a listing.
    let object = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{');
    if !object {
        return parse_file(text).map(Layout::Tree);
    }
    if let Ok(listing) = serde_json::from_str::<Listing<'_>>(text) {
        let split = match (listing.role_detail_list, listing.roles, listing.role) {
            (Some(list), _, _) => Some(("RoleDetailList", list)),
            (None, Some(list), None) => Some(("Roles", list)),
            _ => None,
        };
        if let Some((member, list)) = split {
            let base = text.as_ptr() as usize;
            let roles = list
                .into_iter()
                .enumerate()
                .map(|(index, raw)| RoleText {
                    member,
                    index,
                    // The raw value borrows from `text`, so its address is inside it.
                    offset: (raw.get().as_ptr() as usize).saturating_sub(base),
                    text: raw.get(),
                })
                .collect();
            return Ok(Layout::Roles(roles));
        }
    }
    parse_file(text).map(Layout::Tree)
}

/// Parse and read one role of a listing.
pub fn role(r: RoleText<'_>) -> Document {
    let pointer = format!("/{}/{}", r.member, r.index);
    match json::parse(r.text) {
        Ok(mut node) => {
            node.shift(r.offset);
            role_document(&node, &pointer)
        }
        Err(e) => Document {
            role: None,
            span: r.offset..r.offset + r.text.len(),
            result: Err(PolicyErrors(vec![PolicyError::new(
                PolicyErrorKind::Json(e.kind),
                Loc::new(
                    pointer.clone(),
                    e.span.start + r.offset..e.span.end + r.offset,
                ),
            )])),
            pointer,
            embedded: None,
        },
    }
}

/// Call `visit` with each trust policy of a laid-out file, one at a time.
pub fn for_each_in_layout(layout: &Layout<'_>, mut visit: impl FnMut(Document)) {
    match layout {
        Layout::Roles(roles) => roles.iter().for_each(|r| visit(role(*r))),
        Layout::Tree(root) => for_each_document(root, visit),
    }
}

/// Parse a file's text; JSON errors become a single-error list.
pub fn parse_file(text: &str) -> Result<Node<'_>, PolicyErrors> {
    json::parse(text).map_err(|e| {
        PolicyErrors(vec![PolicyError::new(
            PolicyErrorKind::Json(e.kind),
            Loc::new("", e.span),
        )])
    })
}
