//! The admitted set, for questions about its breadth: every representative request a policy
//! allows, with which of its fields hold values no condition names. Lint's breadth rules ask
//! their questions of it (`crate::lint::breadth`).

use super::error::ModelError;
use super::identity::Form;
use super::space::{Options, Point, Space, Witness};
use crate::eval::{evaluate, Verdict};
use crate::policy::Policy;

/// One representative request the policy allows.
pub struct Sight<'a> {
    /// The caller (the Federated principal).
    pub principal: &'a str,
    pub form: &'a Form,
    point: &'a Point<'a>,
    witness: &'a dyn Fn(&[usize]) -> Witness,
    stop: &'a dyn Fn(),
}

impl Sight<'_> {
    /// Does the request's class of field `fi` hold a value no pattern on its claims names? Then
    /// identities nobody wrote into the policy are admitted with that field.
    pub fn fresh(&self, fi: usize) -> bool {
        self.point.fresh(fi)
    }

    /// A token of this class of requests, with the listed fields at their fresh values.
    pub fn witness(&self, fresh: &[usize]) -> Witness {
        (self.witness)(fresh)
    }

    /// End the visit: no further representative is searched or judged (a caller that needs
    /// one token has it).
    pub fn stop(&self) {
        (self.stop)()
    }
}

/// Call `visit` with every representative request `policy` allows; the count of
/// representatives, or why the model cannot decide the policy exactly.
pub fn admitted(
    policy: &Policy,
    opts: &Options,
    mut visit: impl FnMut(&Sight<'_>),
) -> Result<usize, ModelError> {
    let space = Space::new(&[policy], opts)?;
    let judge = |req: &crate::request::Request| evaluate(policy, req).verdict == Verdict::Allow;
    space.visit(judge, |point, &allowed, witness| {
        if !allowed {
            return;
        }
        let (Some(principal), Some(form)) = (
            space.principals.get(point.group.principal),
            space
                .models
                .get(point.group.principal)
                .and_then(|m| m.forms.get(point.group.form)),
        ) else {
            return;
        };
        visit(&Sight {
            principal,
            form,
            point,
            witness,
            stop: &|| space.stop(),
        });
    })
}
