//! HTTP content negotiation (RFC 9110 §12.5.1): choosing a representation from `Accept`.
//!
//! Written here rather than taken from a crate because the job is small and the crates found
//! either ignore q-values, ignore specificity (`text/*;q=0.1` vs `text/turtle`), or are not
//! maintained; Pubby-style servers are known for getting exactly this wrong.

/// One media range of an `Accept` header.
#[derive(Debug, Clone, PartialEq)]
struct MediaRange {
    kind: String,
    subtype: String,
    q: f32,
}

/// A parsed `Accept` header. An absent or empty header accepts everything (RFC 9110).
#[derive(Debug, Clone, PartialEq)]
pub struct Accept {
    ranges: Vec<MediaRange>,
}

impl Accept {
    /// Parses a header value leniently: malformed ranges are skipped, a malformed q counts as 1.
    pub fn parse(header: Option<&str>) -> Self {
        let mut ranges = Vec::new();
        for part in header.unwrap_or("").split(',') {
            let mut params = part.split(';');
            let media = params.next().unwrap_or("").trim().to_ascii_lowercase();
            let Some((kind, subtype)) = media.split_once('/') else {
                continue;
            };
            if kind.is_empty() || subtype.is_empty() || (kind == "*" && subtype != "*") {
                continue;
            }
            let mut q = 1.0;
            for param in params {
                if let Some((name, value)) = param.split_once('=')
                    && name.trim().eq_ignore_ascii_case("q")
                {
                    q = value
                        .trim()
                        .parse::<f32>()
                        .map_or(1.0, |v| v.clamp(0.0, 1.0));
                }
            }
            ranges.push(MediaRange {
                kind: kind.trim().into(),
                subtype: subtype.trim().into(),
                q,
            });
        }
        if ranges.is_empty() {
            ranges.push(MediaRange {
                kind: "*".into(),
                subtype: "*".into(),
                q: 1.0,
            });
        }
        Self { ranges }
    }

    /// The quality the client gives `media_type`: the q of the most specific matching range,
    /// 0 when nothing matches.
    pub fn quality(&self, media_type: &str) -> f32 {
        let Some((kind, subtype)) = media_type.split_once('/') else {
            return 0.0;
        };
        let mut best: Option<(u8, f32)> = None;
        for r in &self.ranges {
            let specificity = if r.kind == kind && r.subtype == subtype {
                2
            } else if r.kind == kind && r.subtype == "*" {
                1
            } else if r.kind == "*" {
                0
            } else {
                continue;
            };
            if best.is_none_or(|(s, _)| specificity > s) {
                best = Some((specificity, r.q));
            }
        }
        best.map_or(0.0, |(_, q)| q)
    }

    /// Picks the offer with the highest quality; ties go to the earlier offer (the server's
    /// preference). `None` means 406 Not Acceptable. Each offer lists the media types that
    /// select it, canonical first.
    pub fn choose<'a, T>(&self, offers: &'a [(T, &'a [&'a str])]) -> Option<&'a T> {
        let mut best: Option<(&T, f32)> = None;
        for (value, media_types) in offers {
            let q = media_types
                .iter()
                .map(|m| self.quality(m))
                .fold(0.0, f32::max);
            if q > 0.0 && best.is_none_or(|(_, bq)| q > bq) {
                best = Some((value, q));
            }
        }
        best.map(|(v, _)| v)
    }

    /// Whether the client explicitly ranks HTML at least as high as everything else it asks
    /// for: browsers do, RDF clients and `curl` (`*/*`) do not. Used to pick HTML error pages.
    pub fn prefers_html(&self) -> bool {
        let html = self
            .ranges
            .iter()
            .filter(|r| r.kind == "text" && r.subtype == "html")
            .map(|r| r.q)
            .fold(0.0, f32::max);
        html > 0.0 && self.ranges.iter().all(|r| r.q <= html)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    enum F {
        Turtle,
        Html,
        JsonLd,
        NQuads,
    }

    const OFFERS: &[(F, &[&str])] = &[
        (F::Turtle, &["text/turtle", "application/x-turtle"]),
        (F::NQuads, &["application/n-quads"]),
        (F::JsonLd, &["application/ld+json", "application/json"]),
        (F::Html, &["text/html", "application/xhtml+xml"]),
    ];

    fn pick(accept: Option<&str>) -> Option<&'static F> {
        Accept::parse(accept).choose(OFFERS)
    }

    #[test]
    fn q_values_and_server_preference() {
        assert_eq!(pick(None), Some(&F::Turtle));
        assert_eq!(pick(Some("*/*")), Some(&F::Turtle));
        assert_eq!(pick(Some("text/html")), Some(&F::Html));
        assert_eq!(
            pick(Some("text/html;q=0.5, application/ld+json")),
            Some(&F::JsonLd)
        );
        assert_eq!(pick(Some("application/json")), Some(&F::JsonLd));
        assert_eq!(pick(Some("image/png")), None);
        assert_eq!(pick(Some("text/turtle;q=0")), None);
    }

    #[test]
    fn a_browser_gets_html_and_a_crawler_gets_rdf() {
        let browser = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8";
        assert_eq!(pick(Some(browser)), Some(&F::Html));
        assert!(Accept::parse(Some(browser)).prefers_html());
        // rdf-dereference 4.0.0, as DESIGN.md quotes it
        let crawler = "application/n-quads, application/trig;q=0.95, application/ld+json;q=0.9, \
                       application/n-triples;q=0.8, text/turtle;q=0.6, application/rdf+xml;q=0.5, \
                       text/html;q=0.2";
        assert_eq!(pick(Some(crawler)), Some(&F::NQuads));
        assert!(!Accept::parse(Some(crawler)).prefers_html());
        assert!(!Accept::parse(Some("*/*")).prefers_html());
    }

    #[test]
    fn specific_ranges_override_wildcards() {
        // text/* is welcome, but turtle specifically is not
        let a = Accept::parse(Some("text/*, text/turtle;q=0"));
        assert_eq!(a.quality("text/turtle"), 0.0);
        assert_eq!(a.quality("text/html"), 1.0);
        assert_eq!(a.quality("application/ld+json"), 0.0);
        let b = Accept::parse(Some("garbage, ;;, text/html;q=abc"));
        assert_eq!(b.quality("text/html"), 1.0);
    }
}
