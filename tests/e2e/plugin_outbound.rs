//! The `outbound` import end to end: a plugin granted `outbound:127.0.0.1` reaches a local
//! server over real HTTP; redirects come back unfollowed, oversize answers are cut off by
//! the host's cap, and closed ports, slow servers, other hosts and https are errors the
//! plugin can render, never a hung or crashed host.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use wangge_tests::{Server, Workspace, percent_encode, text_between};

/// Small enough that the test's large answers exceed it, large enough for the probe's page.
const MAX_RESPONSE_BYTES: usize = 4096;
const PAGE_DEADLINE_MS: u64 = 1000;

/// The head (request line and headers) and body of one HTTP/1.1 request, read by hand.
async fn read_request(stream: &mut TcpStream) -> Option<(String, String)> {
    let mut data = Vec::new();
    let mut buffer = [0_u8; 4096];
    let head_end = loop {
        let read = stream.read(&mut buffer).await.ok()?;
        if read == 0 {
            return None;
        }
        data.extend_from_slice(&buffer[..read]);
        if let Some(at) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let length: usize = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0);
    while data.len() < head_end + length {
        let read = stream.read(&mut buffer).await.ok()?;
        if read == 0 {
            break;
        }
        data.extend_from_slice(&buffer[..read]);
    }
    let body = String::from_utf8_lossy(&data[head_end..]).into_owned();
    Some((head, body))
}

fn fixed(status: &str, extra: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\n{extra}content-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// A bureau's server: `/ok` JSON, `/echo` the method, `x-key` header and body, `/redirect` a 302 to another
/// host, `/big` and `/big-chunked` answers over the cap, `/slow` never answers.
async fn bureau() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("address").port();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let Some((head, body)) = read_request(&mut stream).await else {
                    return;
                };
                let mut parts = head.lines().next().unwrap_or_default().split(' ');
                let method = parts.next().unwrap_or_default().to_owned();
                let path = parts.next().unwrap_or_default().to_owned();
                let answer = match path.as_str() {
                    "/ok" => fixed(
                        "200 OK",
                        "content-type: application/json\r\n",
                        r#"{"weather":"sunny"}"#,
                    ),
                    "/echo" => {
                        let key = head
                            .lines()
                            .find_map(|line| line.strip_prefix("x-key: "))
                            .unwrap_or("none");
                        fixed("200 OK", "", &format!("{method} key={key} {body}"))
                    }
                    "/redirect" => {
                        fixed("302 Found", "location: http://elsewhere.example/ok\r\n", "")
                    }
                    "/big" => fixed("200 OK", "", &"x".repeat(3 * MAX_RESPONSE_BYTES)),
                    "/big-chunked" => {
                        // No declared length: the host must count as it reads.
                        let chunk = "y".repeat(1000);
                        let mut answer =
                            b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n".to_vec();
                        for _ in 0..10 {
                            answer.extend_from_slice(format!("3e8\r\n{chunk}\r\n").as_bytes());
                        }
                        answer.extend_from_slice(b"0\r\n\r\n");
                        answer
                    }
                    "/slow" => {
                        tokio::time::sleep(Duration::from_secs(60)).await;
                        return;
                    }
                    _ => fixed("404 Not Found", "", "no such route"),
                };
                let _ = stream.write_all(&answer).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    port
}

fn unescape(html: &str) -> String {
    html.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// What the probe's page shows for `?url=URL` plus `extra` query pairs.
async fn probe(server: &Server, url: &str, extra: &str) -> String {
    let page = server
        .get(&format!(
            "/p/outbound-probe/?url={}{extra}",
            percent_encode(url)
        ))
        .await;
    assert_eq!(page.status, 200, "{url}: {}", page.body);
    unescape(text_between(&page.body, "<pre id=\"answer\">", "</pre>"))
}

#[tokio::test]
async fn a_plugin_fetches_from_its_permitted_host_within_the_limits() {
    let port = bureau().await;
    let closed_port = {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        listener.local_addr().expect("address").port()
    };
    let workspace = Workspace::sqlite();
    workspace.add_plugin("outbound-probe", &[]);
    let mut server = workspace.serve(&[
        &format!("--max-response-bytes={MAX_RESPONSE_BYTES}"),
        &format!("--page-deadline-ms={PAGE_DEADLINE_MS}"),
    ]);
    let base = format!("http://127.0.0.1:{port}");

    let ok = probe(&server, &format!("{base}/ok"), "").await;
    assert_eq!(ok, r#"status=200 location= body={"weather":"sunny"}"#);

    let posted = probe(
        &server,
        &format!("{base}/echo"),
        "&method=POST&body=a%20report&header=X-Key%3A%20k1",
    )
    .await;
    assert_eq!(posted, "status=200 location= body=POST key=k1 a report");

    let redirect = probe(&server, &format!("{base}/redirect"), "").await;
    assert_eq!(
        redirect, "status=302 location=http://elsewhere.example/ok body=",
        "the redirect comes back to the plugin, unfollowed"
    );

    for route in ["/big", "/big-chunked"] {
        let big = probe(&server, &format!("{base}{route}"), "").await;
        assert!(
            big.starts_with("error=quota-exceeded: ")
                && big.contains(&format!("exceeds {MAX_RESPONSE_BYTES} bytes")),
            "{route}: {big}"
        );
    }

    let closed = probe(&server, &format!("http://127.0.0.1:{closed_port}/ok"), "").await;
    assert!(
        closed.starts_with("error=unavailable: ") && closed.contains("did not answer"),
        "{closed}"
    );

    let started = Instant::now();
    let slow = probe(&server, &format!("{base}/slow"), "").await;
    assert!(
        slow.starts_with("error=unavailable: ") && slow.contains("did not answer"),
        "the slow server's time is cut at the page deadline, leaving time to render: {slow}"
    );
    assert!(
        started.elapsed() < Duration::from_millis(PAGE_DEADLINE_MS + 1500),
        "the slow server held the page for {:?}",
        started.elapsed()
    );

    let other_host = probe(&server, &format!("http://localhost:{port}/ok"), "").await;
    assert!(
        other_host.starts_with("error=denied: ") && other_host.contains("outbound:localhost"),
        "{other_host}"
    );

    let https = probe(&server, &format!("https://127.0.0.1:{port}/ok"), "").await;
    assert!(
        https.starts_with("error=unavailable: ") && https.contains("https is not supported"),
        "{https}"
    );

    let bad_method = probe(&server, &format!("{base}/ok"), "&method=TRACE").await;
    assert!(
        bad_method.starts_with("error=invalid: method"),
        "{bad_method}"
    );
    let bad_header = probe(&server, &format!("{base}/ok"), "&header=Host%3A%20evil").await;
    assert!(
        bad_header.starts_with("error=invalid: ") && bad_header.contains("`Host`"),
        "{bad_header}"
    );
    let big_body = "z".repeat(MAX_RESPONSE_BYTES + 1);
    let too_much = probe(
        &server,
        &format!("{base}/echo"),
        &format!("&method=PUT&body={big_body}"),
    )
    .await;
    assert!(
        too_much.starts_with("error=quota-exceeded: ") && too_much.contains("request body"),
        "{too_much}"
    );

    // Nothing above was a fault: the host still answers, and the plugin was not suspended.
    assert!(server.is_running(), "the host is still running");
    assert_eq!(
        probe(&server, &format!("{base}/ok"), "").await,
        r#"status=200 location= body={"weather":"sunny"}"#
    );
}
