//! Screens drawn as HTML and SVG markup (set with `inner_html`) rather than typed
//! views: the dashboard's figures, the audit trail's entries, the job runs — many
//! cells drawn once per answer, where a typed view tree would cost the wasm every
//! first visit downloads some 100 KB. Every text that comes from the API or the user
//! goes through [`esc`]. Links in the markup are plain `<a href>`: the router takes
//! their clicks like those of its own links; a row opens with `<details>`, no code.

/// Escapes text for markup (element content and quoted attribute values).
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_markup_would_read() {
        assert_eq!(
            esc(r#"<b onclick="x">O'Brien & co</b>"#),
            "&lt;b onclick=&quot;x&quot;&gt;O&#39;Brien &amp; co&lt;/b&gt;"
        );
        assert_eq!(esc("1,250.00 USD"), "1,250.00 USD");
    }
}
