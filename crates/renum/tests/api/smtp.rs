//! A real SMTP server on loopback for the mail tests: enough of RFC 5321 for a client
//! (220, EHLO/HELO, MAIL FROM, RCPT TO, DATA, RSET, NOOP, QUIT), recording every message it
//! accepts. Its mode lets a test refuse mail or stall after DATA (a sender killed mid-delivery).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

/// What the sink does with the next transactions.
#[derive(Clone, Debug, PartialEq)]
pub enum Mode {
    Accept,
    /// Answers MAIL FROM with this reply (e.g. `451 4.3.0 try later`, `550 5.1.1 no such user`).
    Refuse(&'static str),
    /// Records the message at the end of DATA, then never answers (the client waits).
    StallAfterData,
}

/// One message as the sink received it.
#[derive(Clone, Debug)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    /// The DATA, dot-unstuffed, CRLF line ends.
    pub data: String,
}

#[derive(Clone)]
pub struct SmtpSink {
    pub url: String,
    mode: Arc<Mutex<Mode>>,
    received: Arc<Mutex<Vec<Received>>>,
    arrived: Arc<Notify>,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let sink = SmtpSink {
            url: format!("smtp://{}", listener.local_addr().unwrap()),
            mode: Arc::new(Mutex::new(Mode::Accept)),
            received: Arc::default(),
            arrived: Arc::default(),
        };
        let server = sink.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let server = server.clone();
                tokio::spawn(async move {
                    let _ = server.session(stream).await;
                });
            }
        });
        sink
    }

    pub fn set_mode(&self, mode: Mode) {
        *self.mode.lock().unwrap() = mode;
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// Waits (up to 10 s) until at least `n` messages arrived; returns them all.
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let notified = self.arrived.notified();
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                panic!("{} message(s) arrived, expected {n}", got.len());
            }
        }
    }

    async fn session(&self, stream: TcpStream) -> std::io::Result<()> {
        let (read, mut write) = stream.into_split();
        let mut lines = BufReader::new(read);
        write.write_all(b"220 sink.test ESMTP\r\n").await?;
        let (mut from, mut to) = (String::new(), Vec::new());
        let mut line = String::new();
        loop {
            line.clear();
            if lines.read_line(&mut line).await? == 0 {
                return Ok(());
            }
            let command = line.trim_end().to_owned();
            let verb = command
                .split([' ', ':'])
                .next()
                .unwrap_or("")
                .to_ascii_uppercase();
            let reply: String = match verb.as_str() {
                "EHLO" => "250-sink.test\r\n250 8BITMIME".into(),
                "HELO" | "NOOP" => "250 OK".into(),
                "RSET" => {
                    (from, to) = (String::new(), Vec::new());
                    "250 OK".into()
                }
                "MAIL" => match self.mode.lock().unwrap().clone() {
                    Mode::Refuse(reply) => reply.into(),
                    _ => {
                        from = address(&command);
                        "250 OK".into()
                    }
                },
                "RCPT" => {
                    to.push(address(&command));
                    "250 OK".into()
                }
                "DATA" => {
                    write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await?;
                    let mut data = String::new();
                    loop {
                        line.clear();
                        if lines.read_line(&mut line).await? == 0 {
                            return Ok(());
                        }
                        if line == ".\r\n" || line == ".\n" {
                            break;
                        }
                        data.push_str(line.strip_prefix('.').unwrap_or(&line));
                    }
                    self.received.lock().unwrap().push(Received {
                        from: std::mem::take(&mut from),
                        to: std::mem::take(&mut to),
                        data,
                    });
                    self.arrived.notify_waiters();
                    if *self.mode.lock().unwrap() == Mode::StallAfterData {
                        std::future::pending::<()>().await;
                    }
                    "250 OK queued".into()
                }
                "QUIT" => {
                    write.write_all(b"221 bye\r\n").await?;
                    return Ok(());
                }
                _ => "502 command not implemented".into(),
            };
            write.write_all(format!("{reply}\r\n").as_bytes()).await?;
        }
    }
}

/// The address between `<` and `>` of a MAIL FROM / RCPT TO line.
fn address(command: &str) -> String {
    let start = command.find('<').map_or(0, |i| i + 1);
    let end = command.rfind('>').unwrap_or(command.len());
    command[start..end].to_owned()
}

impl Received {
    /// A top-level header's value (unfolded).
    pub fn header(&self, name: &str) -> Option<String> {
        header(self.data.split("\r\n\r\n").next()?, name)
    }

    /// The decoded body of the part with this content type (`text/plain`, `text/html`).
    pub fn part(&self, content_type: &str) -> String {
        let boundary = self
            .header("Content-Type")
            .and_then(|ct| {
                let start = ct.find("boundary=")? + "boundary=".len();
                Some(
                    ct[start..]
                        .trim_matches('"')
                        .split(['"', ';'])
                        .next()?
                        .to_owned(),
                )
            })
            .expect("a multipart message");
        for part in self.data.split(&format!("--{boundary}")) {
            let Some((head, body)) = part.trim_start_matches("\r\n").split_once("\r\n\r\n") else {
                continue;
            };
            let matches = header(head, "Content-Type")
                .is_some_and(|ct| ct.to_ascii_lowercase().starts_with(content_type));
            if !matches {
                continue;
            }
            let encoding = header(head, "Content-Transfer-Encoding")
                .unwrap_or_default()
                .to_ascii_lowercase();
            return match encoding.as_str() {
                "quoted-printable" => quoted_printable(body),
                "base64" => {
                    let compact: String = body.split_whitespace().collect();
                    String::from_utf8(
                        base64::engine::general_purpose::STANDARD
                            .decode(compact)
                            .unwrap(),
                    )
                    .unwrap()
                }
                _ => body.to_owned(),
            };
        }
        panic!("no {content_type} part in {}", self.data)
    }

    /// The first `#token=` of the plain-text body's link.
    pub fn token(&self) -> String {
        let text = self.part("text/plain");
        let start = text.find("#token=").expect("a link with a token") + "#token=".len();
        text[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect()
    }
}

fn header(head: &str, name: &str) -> Option<String> {
    let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
    unfolded.split("\r\n").find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.eq_ignore_ascii_case(name)
            .then(|| value.trim().to_owned())
    })
}

fn quoted_printable(body: &str) -> String {
    let joined = body.replace("=\r\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && i + 2 < bytes.len()
            && let Ok(byte) = u8::from_str_radix(&joined[i + 1..i + 3], 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}
