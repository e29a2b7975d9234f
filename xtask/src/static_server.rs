//! A tiny static file server for `dist/`: GET and HEAD, one thread per connection,
//! `Connection: close`, the MIME types a Trunk build needs. Good for tests, not for production.

use std::io::{self, BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::thread;
use std::time::Duration;

/// The strict policy a careful host sets: the site must start and work under it.
pub const STRICT_CSP: &str =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";

/// How to serve: under a sub-path (`/deep/path/`), with a Content-Security-Policy header.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Requests must start with this path ("/" when empty); the rest names the file.
    pub prefix: String,
    pub csp: Option<String>,
}

/// Serves `dir` on 127.0.0.1 at a free port (bound to port 0) from a background thread;
/// returns the port. The server lives until the process ends.
pub fn start(dir: &Path) -> io::Result<u16> {
    start_with(dir, Options::default())
}

/// [`start`] with options.
pub fn start_with(dir: &Path, options: Options) -> io::Result<u16> {
    let listener = TcpListener::bind(("127.0.0.1", 0))?;
    let port = listener.local_addr()?.port();
    let dir = dir.to_path_buf();
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (dir, options) = (dir.clone(), options.clone());
            thread::spawn(move || {
                let _ = handle(stream, &dir, &options);
            });
        }
    });
    Ok(port)
}

fn handle(mut stream: TcpStream, dir: &Path, options: &Options) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
    let csp = options.csp.as_deref();
    if method != "GET" && method != "HEAD" {
        return respond(
            &mut stream,
            405,
            "text/plain",
            b"method not allowed",
            true,
            csp,
        );
    }
    let body_wanted = method == "GET";
    let prefix = options.prefix.trim_end_matches('/');
    let found = target
        .strip_prefix(prefix)
        .filter(|rest| rest.starts_with('/'))
        .and_then(|rest| resolve(dir, rest))
        .and_then(|p| std::fs::read(&p).ok().map(|b| (p, b)));
    match found {
        Some((path, body)) => respond(&mut stream, 200, mime(&path), &body, body_wanted, csp),
        None => respond(
            &mut stream,
            404,
            "text/plain",
            b"not found",
            body_wanted,
            csp,
        ),
    }
}

/// Maps a request target to a file under `dir`; `None` for anything outside it.
fn resolve(dir: &Path, target: &str) -> Option<PathBuf> {
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let decoded = percent_decode(path)?;
    let relative = Path::new(decoded.trim_start_matches('/'));
    if relative
        .components()
        .any(|c| !matches!(c, Component::Normal(_)))
    {
        return None;
    }
    let mut full = dir.join(relative);
    if full.is_dir() {
        full.push("index.html");
    }
    full.is_file().then_some(full)
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn mime(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

fn respond(
    stream: &mut TcpStream,
    status: u16,
    content_type: &str,
    body: &[u8],
    send_body: bool,
    csp: Option<&str>,
) -> io::Result<()> {
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        _ => "Method Not Allowed",
    };
    let policy = csp
        .map(|p| format!("Content-Security-Policy: {p}\r\n"))
        .unwrap_or_default();
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         {policy}Cache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    if send_body {
        stream.write_all(body)?;
    }
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn get(port: u16, path: &str) -> String {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(s, "GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let mut text = String::new();
        s.read_to_string(&mut text).unwrap();
        text
    }

    #[test]
    fn serves_files_with_their_type_and_refuses_escapes() {
        let dir = std::env::temp_dir().join(format!("xtask-static-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("index.html"), "<p>hi</p>").unwrap();
        std::fs::write(dir.join("app_bg.wasm"), "\0asm").unwrap();
        let port = start(&dir).unwrap();
        let index = get(port, "/?act=relu");
        assert!(index.starts_with("HTTP/1.1 200"), "{index}");
        assert!(index.contains("text/html") && index.ends_with("<p>hi</p>"));
        assert!(get(port, "/app_bg.wasm").contains("Content-Type: application/wasm"));
        assert!(get(port, "/../Cargo.toml").starts_with("HTTP/1.1 404"));
        assert!(get(port, "/%2e%2e/x").starts_with("HTTP/1.1 404"));
        let strict = start_with(
            &dir,
            Options {
                prefix: "/deep/path/".into(),
                csp: Some(STRICT_CSP.into()),
            },
        )
        .unwrap();
        let page = get(strict, "/deep/path/?panel=neuron");
        assert!(
            page.starts_with("HTTP/1.1 200") && page.ends_with("<p>hi</p>"),
            "{page}"
        );
        assert!(page.contains(&format!("Content-Security-Policy: {STRICT_CSP}\r\n")));
        assert!(
            get(strict, "/index.html").starts_with("HTTP/1.1 404"),
            "outside the sub-path"
        );
        assert!(get(strict, "/deep/pathindex.html").starts_with("HTTP/1.1 404"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
