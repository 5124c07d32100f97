//! Folding the text before parsing: records mix full-width and half-width forms and put
//! spaces anywhere (`民國 112 年`, `１７４５`), and none of that changes the date.

/// Full-width ASCII (U+FF01–U+FF5E) to ASCII, ideographic and other spaces removed, dash and
/// tilde variants to `-` and `~`, Latin letters lower-cased, simplified 后/腊 to 後/臘.
pub(crate) fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let c = match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' | '﹣' => '-',
            '〜' | '∼' => '~',
            '后' => '後',
            '腊' => '臘',
            '閠' => '閏',
            '・' => '.',
            c => c,
        };
        if c.is_whitespace() || c == '\u{200B}' || c == '\u{FEFF}' {
            continue;
        }
        out.extend(c.to_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn folds_width_space_and_dashes() {
        assert_eq!(fold(" １７４５ "), "1745");
        assert_eq!(fold("民國 112 年\u{3000}8 月"), "民國112年8月");
        assert_eq!(fold("1736–1795"), "1736-1795");
        assert_eq!(fold("Ca. 1900"), "ca.1900");
    }
}
