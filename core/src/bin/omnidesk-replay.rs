//! `omnidesk-replay [--events] FILE`: runs a scenario file and prints its final snapshot as one
//! JSON object, or with `--events` its event log, one JSON object a line. A bad file or a usage
//! error exits 2 with a message on stderr.

use omnidesk_core::scenario::{run, Scenario};
use std::io::Write;
use std::process::ExitCode;

const USAGE: &str = "usage: omnidesk-replay [--events] SCENARIO.json
  prints the final snapshot as one JSON object;
  --events prints the event log instead, one JSON object a line";

fn main() -> ExitCode {
    let mut events = false;
    let mut file = None;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--events" => events = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            s if s.starts_with('-') && s != "-" => return usage(&format!("unknown option {s}")),
            _ if file.is_some() => return usage("more than one file"),
            _ => file = Some(arg),
        }
    }
    let Some(file) = file else {
        return usage("no scenario file");
    };
    let text = if file == "-" {
        let mut s = String::new();
        match std::io::Read::read_to_string(&mut std::io::stdin(), &mut s) {
            Ok(_) => s,
            Err(e) => return fail(&format!("can't read standard input: {e}")),
        }
    } else {
        match std::fs::read_to_string(&file) {
            Ok(s) => s,
            Err(e) => return fail(&format!("can't read {file}: {e}")),
        }
    };
    let scenario = match Scenario::parse(&text) {
        Ok(s) => s,
        Err(e) => return fail(&format!("{file}: {e}")),
    };
    let replay = run(&scenario);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let written = if events {
        replay.events.iter().try_for_each(|e| {
            let line = serde_json::to_string(e).expect("events always serialize");
            writeln!(out, "{line}")
        })
    } else {
        writeln!(out, "{}", replay.engine.snapshot_json())
    };
    match written.and_then(|_| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&format!("can't write: {e}")),
    }
}

fn usage(problem: &str) -> ExitCode {
    eprintln!("omnidesk-replay: {problem}\n{USAGE}");
    ExitCode::from(2)
}

fn fail(message: &str) -> ExitCode {
    eprintln!("omnidesk-replay: {message}");
    ExitCode::from(2)
}
