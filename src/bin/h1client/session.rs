//! One run of the command line: the agent and what every transfer shares (the request data,
//! the `.netrc` text, the `-w` format), then for each URL its tries (`--retry`), its output
//! (kept or thrown away), its `-w` line and its exit code.

use crate::args::{Args, Netrc, OutputArg, Resume};
use crate::output::{self, Output};
use crate::record::{Recorder, Shows, Stats};
use crate::retry::{Decision, Ended, Retry};
use crate::transfer::{self, Outcome};
use crate::write_out::{self, Report};
use crate::{agent, cookies, data, netrc, request};
use h1client::{Agent, Url};
use std::io;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub struct Session<'a> {
    pub args: &'a Args,
    pub agent: Agent,
    pub recorder: Arc<Recorder>,
    /// The `-d`/`--json`/… body.
    pub data: Option<Vec<u8>>,
    /// The `.netrc` file's text, or why it could not be read (with `-n` or `--netrc-file`).
    netrc: Option<Result<String, String>>,
    write_out: Option<String>,
    /// The `-b` data, joined as curl joins them: every request's `Cookie` header carries it
    /// after the jar's cookies.
    pub cookie_data: Option<String>,
}

impl<'a> Session<'a> {
    pub fn new(a: &'a Args) -> Result<Session<'a>, (i32, String)> {
        request::warnings(a);
        let started = Instant::now();
        let data = data::assemble(&a.data, a.max_time.map(|t| started + t)).map_err(|e| (e.code, e.message))?;
        let write_out = match &a.write_out {
            Some(spec) => {
                Some(write_out::load(spec).map_err(|e| (26, format!("cannot read the -w format {spec}: {e}")))?)
            }
            None => None,
        };
        let shows = agent::shows(a)?;
        let tracing = shows.is_some();
        let recorder = Arc::new(Recorder::new(shows.unwrap_or(Shows {
            heads: false,
            verbose: false,
            dump: None,
            trace: None,
        })));
        let jar = cookies::engine(a).then(|| cookies::load(a));
        let agent = agent::build(a, tracing.then(|| recorder.clone()), jar)?;
        let netrc = (a.netrc.is_some() || a.netrc_file.is_some()).then(|| {
            let path = netrc::path(a.netrc_file.as_deref()).ok_or("no home directory to find .netrc in")?;
            std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))
        });
        Ok(Session {
            args: a,
            agent,
            recorder,
            data,
            netrc,
            write_out,
            cookie_data: (!a.cookies.is_empty()).then(|| a.cookies.join(";")),
        })
    }

    /// `-c`: writes the jar. A jar that cannot be written does not change the exit code (curl
    /// only mentions it with `-v`; here it is a warning).
    pub fn save_cookies(&self) {
        let Some(path) = &self.args.cookie_jar else {
            return;
        };
        if let Err(e) = cookies::save(&self.agent, path) {
            crate::warn(self.args, &format!("failed to save cookies in {path}: {e}"));
        }
    }

    /// `--netrc-file` alone reads the file as `-n` does.
    pub fn netrc_mode(&self) -> Option<Netrc> {
        self.args
            .netrc
            .or_else(|| self.args.netrc_file.as_ref().map(|_| Netrc::Required))
    }

    pub fn netrc_text(&self) -> Result<&str, String> {
        match &self.netrc {
            Some(Ok(text)) => Ok(text),
            Some(Err(why)) => Err(why.clone()),
            None => Err("no .netrc asked for".into()),
        }
    }

    /// Transfers the `i`-th URL, trying again as `--retry` says; returns its exit code.
    pub fn run_url(&self, i: usize, url: &str) -> i32 {
        let a = self.args;
        let mut retry = Retry::new(a);
        loop {
            let started = Instant::now();
            let (output, resume) = match self.output_for(i, url) {
                Ok(o) => o,
                Err((code, message)) => return crate::report(a, code, &message),
            };
            self.recorder.begin(url, output, started);
            let outcome = transfer::attempt(self, i, url, resume, started);
            let (output, stats) = self.recorder.end();
            let total = started.elapsed();
            match retry.next(&ended(&outcome)) {
                Decision::Again(wait, message) => {
                    let thrown = output.map_or(0, Output::discard);
                    crate::warn(a, &message);
                    if thrown > 0 && !a.silent {
                        eprintln!("Throwing away {thrown} bytes");
                    }
                    std::thread::sleep(wait);
                    continue;
                }
                Decision::Refused(why) => crate::warn(a, why),
                Decision::Stop => {}
            }
            let result = settle(outcome.result.clone(), outcome.keep_output, output);
            let code = match &result {
                Ok(()) => 0,
                Err((code, message)) => crate::report(a, *code, message),
            };
            self.write_out(url, &outcome, &stats, total, &result);
            return code;
        }
    }

    /// Where the `i`-th URL's body goes, and the `-C` offset.
    fn output_for(&self, i: usize, url: &str) -> Result<(Output, Option<u64>), (i32, String)> {
        let a = self.args;
        let path: Option<PathBuf> = match a.outputs.get(i) {
            None => None,
            Some(OutputArg::File(p)) if p == "-" => None,
            Some(OutputArg::File(p)) => Some(p.into()),
            Some(OutputArg::RemoteName) => {
                let full = request::normalize_url(url)?;
                let parsed = Url::parse(&full).map_err(|e| (3, format!("{full:?}: {e}")))?;
                let name = output::remote_name(&parsed);
                if name == output::DEFAULT_NAME {
                    crate::warn(a, &format!("No remote filename, uses \"{name}\""));
                }
                Some(name.into())
            }
        };
        let stdout = || Output::stdout().map_err(|e| (23, e.to_string()));
        Ok(match (path, a.continue_at) {
            (None, Some(Resume::At(n))) => (stdout()?, Some(n)),
            (None, _) => (stdout()?, None),
            (Some(p), Some(resume)) => {
                let out = Output::append(&p, a.create_dirs);
                let offset = match resume {
                    Resume::Auto => out.append_start(),
                    Resume::At(n) => Some(n),
                };
                (out, offset)
            }
            (Some(p), None) => (Output::file(&p, a.create_dirs), None),
        })
    }

    fn write_out(&self, url: &str, o: &Outcome, stats: &Stats, total: Duration, result: &Result<(), (i32, String)>) {
        let Some(format) = &self.write_out else {
            return;
        };
        let (exit_code, error) = match result {
            Ok(()) => (0, ""),
            Err((code, message)) => (*code, message.as_str()),
        };
        let report = Report {
            stats,
            url,
            total,
            status: o.status.unwrap_or(0),
            size_download: o.size_download,
            headers: &o.headers,
            exit_code,
            error,
            method: &o.method,
        };
        let _ = write_out::write(format, &report, &mut io::stdout().lock(), &mut io::stderr().lock());
    }
}

fn ended(o: &Outcome) -> Ended {
    Ended {
        code: o.result.as_ref().err().map_or(0, |(c, _)| *c),
        status: o.status,
        refused: o.refused,
        retry_after: o.retry_after,
        replayable: o.replayable,
    }
}

/// Keeps the output of a transfer that succeeded (or whose body `--fail-with-body` keeps), and
/// throws away that of one that failed.
fn settle(result: Result<(), (i32, String)>, keep: bool, output: Option<Output>) -> Result<(), (i32, String)> {
    let Some(output) = output else {
        return result;
    };
    if result.is_err() && !keep {
        output.discard();
        return result;
    }
    match output.commit() {
        Err(e) if result.is_ok() => Err((23, format!("failed writing the output: {e}"))),
        _ => result,
    }
}
