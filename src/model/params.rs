//! The URL parameters of the standalone demo (ui-contract.md, "Standalone demo controls"):
//! `?sim=off` (no arrivals, no simulated colleagues), `?seed=N` (a reproducible simulator),
//! `?reset` (start from an empty saved state), `?demo=N` (N open items, for benchmarks),
//! `?server=URL` (the server to follow; the standalone build opens that server's app),
//! `?rate=N` (automatic arrivals per minute). In the browser they are read through
//! leptos_router's `use_query_map` ([`Params::from_pairs`]).

/// Seeds are kept to 53 bits, so one is exact wherever it is a JavaScript number (a tool
/// reading the saved JSON, the page's own script).
pub const MAX_SEED: u64 = (1 << 53) - 1;

/// The parsed parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Params {
    pub sim_on: bool,
    pub seed: Option<u64>,
    pub reset: bool,
    pub demo: u64,
    pub rate: Option<u64>,
    /// `?server=URL`, as written (maybe percent-encoded): the server to follow.
    pub server: Option<String>,
}

/// A `?server=` value (decoded) as the base URL of a server: http(s) only, ending with `/`.
pub fn server_url(url: &str) -> Option<String> {
    (url.starts_with("http://") || url.starts_with("https://"))
        .then(|| format!("{}/", url.trim_end_matches('/')))
}

impl Params {
    /// Parses a query string (`?sim=off&seed=3`, with or without the `?`).
    pub fn parse(query: &str) -> Params {
        Params::from_pairs(query.trim_start_matches('?').split('&').map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (key, value)
        }))
    }

    /// Reads (key, value) pairs, e.g. leptos_router's `use_query_map()` (values decoded).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Params {
        let mut p = Params {
            sim_on: true,
            seed: None,
            reset: false,
            demo: 0,
            rate: None,
            server: None,
        };
        for (key, value) in pairs {
            match key {
                "sim" => p.sim_on = !matches!(value, "off" | "0" | "false"),
                "seed" => p.seed = value.parse().ok().map(|s: u64| s & MAX_SEED),
                "reset" => p.reset = !matches!(value, "0" | "false"),
                "demo" => p.demo = value.parse().unwrap_or(0).min(100_000),
                "rate" => p.rate = value.parse().ok().filter(|r| *r > 0),
                "server" if !value.is_empty() => p.server = Some(value.to_owned()),
                _ => {}
            }
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_demo_parameters() {
        let p = Params::parse("?sim=off&reset&seed=42&demo=10000");
        assert!(!p.sim_on && p.reset);
        assert_eq!(p.seed, Some(42));
        assert_eq!(p.demo, 10_000);
        let d = Params::parse("");
        assert!(d.sim_on && !d.reset && d.seed.is_none());
        assert_eq!(Params::parse("?rate=12").rate, Some(12));
        assert_eq!(
            Params::parse("?seed=18446744073709551615").seed,
            Some(MAX_SEED)
        );
        assert_eq!(
            Params::parse("?sim=off&server=http%3A%2F%2Fh%3A9")
                .server
                .as_deref(),
            Some("http%3A%2F%2Fh%3A9")
        );
        assert_eq!(server_url("http://h:9"), Some("http://h:9/".into()));
        assert_eq!(server_url("https://h/od/"), Some("https://h/od/".into()));
        assert_eq!(server_url("javascript:alert(1)"), None);
    }
}
