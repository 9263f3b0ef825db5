//! Loopback ports for the real servers the tests start (SMTP sink, sshd, replica).

use std::net::TcpListener;

/// A loopback port free now, below the kernel's range of ephemeral ports. A port from
/// that range (what binding port 0 gives) can become the local end of another test's
/// outgoing connection before a server that starts later binds it ("address already in
/// use", seen in CI); below the range only an explicit bind takes it. Randomly chosen,
/// as tests in other processes choose at the same time.
pub fn free_port() -> u16 {
    let range = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range").unwrap_or_default();
    let ephemeral = range.split_whitespace().next().and_then(|low| low.parse::<u16>().ok()).unwrap_or(32768);
    let low = ephemeral.saturating_sub(10_000).max(1024);
    if ephemeral <= low + 100 {
        return TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
    }
    loop {
        // A v7 UUID's low bits are random.
        let random = uuid::Uuid::now_v7().as_u128() as u64;
        let port = low + u16::try_from(random % u64::from(ephemeral - low)).expect("below the range's start");
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}
