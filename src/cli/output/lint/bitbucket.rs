//! `lint --format bitbucket` (being written).

use super::Located;

pub fn render(located: &[Located]) -> String {
    super::json::render(located, 0)
}
