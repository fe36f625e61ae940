//! An `aws:SourceIp` allow-list made of a CI provider's shared egress addresses: every customer
//! of the provider runs from them, so they are no tenant boundary, and providers change them.

use crate::lint::{LintContext, Report, Rule, Severity};
use crate::policy::{Base, Typed};

pub const RULE: Rule = Rule {
    id: "shared-ci-ip-allowlist",
    summary: "an IP allow-list of a CI provider's shared runner addresses is no tenant boundary and goes stale",
    severity: Severity::Note,
    doc: include_str!("../../../rules/shared-ci-ip-allowlist.md"),
    check,
    fix: crate::lint::fix::Fix::None,
};

fn check(ctx: &LintContext<'_>, report: &mut Report) {
    for view in ctx.statements.iter().filter(|v| v.allows_web_identity()) {
        for p in &view.providers {
            let Some(profile) = p.profile else { continue };
            if profile.shared_egress_ips.is_empty() {
                continue;
            }
            let shared: Vec<std::net::IpAddr> = profile
                .shared_egress_ips
                .iter()
                .filter_map(|ip| ip.parse().ok())
                .collect();
            for c in &view.statement.conditions {
                if c.key_lower != "aws:sourceip" || c.operator.base != Base::IpAddress {
                    continue;
                }
                let hits = c
                    .values
                    .iter()
                    .filter(|v| match v.typed {
                        Typed::Ip(Some(net)) => shared.iter().any(|ip| net.contains(ip)),
                        _ => false,
                    })
                    .count();
                if hits == 0 {
                    continue;
                }
                let finding = report
                    .finding(
                        &c.values_loc,
                        format!(
                            "{hits} of these addresses are shared egress IPs of {}: every \
                             customer runs from them, and the provider has changed them",
                            profile.name
                        ),
                    )
                    .help(
                        "rely on the `sub` condition for scope; if you keep an IP list, \
                         check it against the provider's current published ranges",
                    );
                report.push(finding);
            }
        }
    }
}
