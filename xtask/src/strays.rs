//! Chromium left behind by a browser-test run. When wasm-bindgen-test-runner gives up on a
//! page (a test that blocks it for 20 s), it kills chromedriver but not the browser, whose
//! renderer then keeps a core busy for the rest of the run and skews every timing after it.

/// Ends orphaned (parent = init) Chromium processes that chromedriver started; returns how
/// many. Only processes with chromedriver's `--test-type=webdriver` flag are touched, so a
/// person's own browser is never killed.
#[cfg(target_os = "linux")]
pub fn end_orphaned_test_browsers() -> usize {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0;
    };
    let mut ended = 0;
    for e in entries.flatten() {
        let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<i32>().ok()) else {
            continue;
        };
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        if !(cmdline.contains("chrom") && cmdline.contains("--test-type=webdriver")) {
            continue;
        }
        if parent(pid) == Some(1) {
            let killed = std::process::Command::new("kill")
                .args(["-9", &pid.to_string()])
                .status()
                .map(|s| s.success())
                .unwrap_or(false);
            ended += killed as usize;
        }
    }
    ended
}

#[cfg(not(target_os = "linux"))]
pub fn end_orphaned_test_browsers() -> usize {
    0
}

/// The parent pid, from /proc/PID/stat ("pid (comm) state ppid ...").
#[cfg(target_os = "linux")]
fn parent(pid: i32) -> Option<i32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after_comm = stat.rsplit_once(')')?.1;
    after_comm.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    #[test]
    fn reads_our_own_parent() {
        let me = std::process::id() as i32;
        let want = std::os::unix::process::parent_id() as i32;
        assert_eq!(super::parent(me), Some(want));
    }

    #[test]
    fn ends_an_orphaned_test_browser_and_nothing_else() {
        // A stand-in: a process named like chromedriver's Chromium, orphaned by its shell.
        let spawned = std::process::Command::new("bash")
            .args([
                "-c",
                "(exec -a 'chromium-stray --test-type=webdriver' sleep 30 &)",
            ])
            .status();
        if !spawned.map(|s| s.success()).unwrap_or(false) {
            return; // no bash here: nothing to test against
        }
        let bystander = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(300));
        assert!(super::end_orphaned_test_browsers() >= 1);
        let gone = std::process::Command::new("pgrep")
            .args(["-f", "chromium-stray"])
            .output()
            .map(|o| o.stdout.is_empty())
            .unwrap_or(true);
        assert!(gone, "the stray is gone");
        let mut bystander = bystander;
        assert!(
            bystander.try_wait().unwrap().is_none(),
            "other processes are left alone"
        );
        bystander.kill().unwrap();
    }
}
