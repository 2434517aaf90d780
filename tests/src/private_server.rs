//! Private database servers for tests that stop, pause or crash their
//! server: a PostgreSQL or MariaDB server of the test's own, in a temporary
//! directory, on a free port of `127.0.0.1`, started and stopped by the test
//! itself (the shared servers of `ORM_TEST_POSTGRES_URL` and
//! `ORM_TEST_MYSQL_URL` are never touched).
//!
//! ```no_run
//! use orm_tests::private_server::PrivatePostgres;
//!
//! let server = PrivatePostgres::start()?;          // initdb + pg_ctl start -w
//! let url = server.url();                          // postgres://postgres@127.0.0.1:PORT/postgres
//! server.pause()?;                                 // SIGSTOP: the server stops answering
//! server.resume()?;                                // SIGCONT
//! server.stop_immediate()?;                        // a crash (pg_ctl stop -m immediate)
//! server.restart()?;                               // crash recovery, same port
//! # drop(url);
//! # Ok::<(), std::io::Error>(())
//! // Dropped: stopped (immediately) and its directory removed.
//! ```
//!
//! Linux only (signals are sent with `kill`, children found in `/proc`).
//! [`PrivatePostgres::available`] and [`PrivateMariaDb::available`] say
//! whether the server binaries are installed, so a test can report itself
//! as skipped instead of failing (or passing) without them.
//!
//! PostgreSQL runs with `fsync` on (crash tests rely on it) and trust
//! authentication; as root, `initdb` and `pg_ctl` run as the `postgres` OS
//! user (`runuser -u postgres --`), which owns the directory. MariaDB runs
//! as `--user=root` when the tests run as root, with `root` allowed in
//! without a password from `127.0.0.1` and a database `test`.

use std::io::{self, Read};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// How long a server may take to start (or restart after a crash) before
/// [`PrivatePostgres::start`] / [`PrivateMariaDb::start`] give up.
pub const START_TIMEOUT: Duration = Duration::from_secs(60);

/// The PostgreSQL binaries tried, newest first, when `ORM_TEST_PG_BIN` does
/// not name the directory.
const PG_BIN_DIRS: &[&str] = &[
    "/usr/lib/postgresql/17/bin",
    "/usr/lib/postgresql/16/bin",
    "/usr/lib/postgresql/15/bin",
    "/usr/lib/postgresql/14/bin",
    "/usr/lib/postgresql/13/bin",
];

fn other(message: impl Into<String>) -> io::Error {
    io::Error::other(message.into())
}

fn linux_only() -> io::Result<()> {
    if cfg!(target_os = "linux") {
        Ok(())
    } else {
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "private test servers need Linux (signals and /proc)",
        ))
    }
}

fn is_root() -> bool {
    // The owner of /proc/self is the effective user.
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata("/proc/self")
            .map(|m| m.uid() == 0)
            .unwrap_or(false)
    }
    #[cfg(not(unix))]
    {
        false
    }
}

/// A new directory under the system temp dir, unique to this process and
/// call.
fn temp_dir(prefix: &str) -> io::Result<PathBuf> {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let base = std::env::temp_dir();
    for _ in 0..100 {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = base.join(format!("{prefix}-{}-{n}", std::process::id()));
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(other("cannot create a temporary directory"))
}

/// A port of `127.0.0.1` that nothing listens on right now.
fn free_port() -> io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Runs `command`, an error with its output when it fails.
fn run(command: &mut Command, what: &str) -> io::Result<Output> {
    let output = command
        .stdin(Stdio::null())
        .output()
        .map_err(|e| other(format!("{what}: cannot run {command:?}: {e}")))?;
    if output.status.success() {
        Ok(output)
    } else {
        Err(other(format!(
            "{what} failed ({}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )))
    }
}

/// The last lines of a log file, for error messages.
fn log_tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.len().saturating_sub(30);
    format!(
        "--- {} (last lines) ---\n{}",
        path.display(),
        lines[start..].join("\n")
    )
}

/// Sends `signal` (`STOP`, `CONT`, `KILL`, ...) to these processes.
fn signal(pids: &[u32], signal: &str) -> io::Result<()> {
    if pids.is_empty() {
        return Ok(());
    }
    let mut kill = Command::new("kill");
    kill.arg(format!("-{signal}"));
    kill.args(pids.iter().map(u32::to_string));
    run(&mut kill, &format!("kill -{signal}")).map(drop)
}

/// Whether a process exists (and is not a zombie).
fn alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state follows the parenthesised command name.
        Ok(stat) => stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .is_some_and(|state| state != "Z" && state != "X"),
        Err(_) => false,
    }
}

/// `pid` and its descendants, parents before children, read from `/proc`.
fn process_tree(pid: u32) -> Vec<u32> {
    let mut parents: Vec<(u32, u32)> = Vec::new();
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for entry in entries.flatten() {
            let Some(child) = entry.file_name().to_str().and_then(|n| n.parse().ok()) else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{child}/stat")) else {
                continue;
            };
            // "pid (comm) state ppid ...": comm may contain spaces and ')'.
            let ppid = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().nth(1))
                .and_then(|p| p.parse().ok());
            if let Some(ppid) = ppid {
                parents.push((child, ppid));
            }
        }
    }
    let mut tree = vec![pid];
    let mut i = 0;
    while i < tree.len() {
        let parent = tree[i];
        tree.extend(
            parents
                .iter()
                .filter(|&&(_, ppid)| ppid == parent)
                .map(|&(child, _)| child),
        );
        i += 1;
    }
    tree
}

/// Whether a TCP connection to `port` receives at least one byte (the MySQL
/// protocol's server greeting) within a couple of seconds.
fn greets(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect_timeout(
        &std::net::SocketAddr::from(([127, 0, 0, 1], port)),
        Duration::from_millis(500),
    ) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let mut byte = [0u8; 1];
    let greeted = matches!(stream.read(&mut byte), Ok(1));
    let _ = stream.shutdown(Shutdown::Both);
    greeted
}

// ---------------------------------------------------------------- PostgreSQL

/// A PostgreSQL server of the test's own (see the [module](self) docs).
#[derive(Debug)]
pub struct PrivatePostgres {
    dir: PathBuf,
    bin: PathBuf,
    port: u16,
    as_postgres: bool,
}

impl PrivatePostgres {
    /// The directory of `initdb`, `pg_ctl` and `postgres`: `ORM_TEST_PG_BIN`,
    /// else the newest of `/usr/lib/postgresql/*/bin`, else the `PATH`.
    fn bin_dir() -> Option<PathBuf> {
        let has = |dir: &Path| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file();
        if let Ok(dir) = std::env::var("ORM_TEST_PG_BIN") {
            // Named but without the binaries: not available (never another).
            let dir = PathBuf::from(dir);
            return has(&dir).then_some(dir);
        }
        PG_BIN_DIRS
            .iter()
            .map(PathBuf::from)
            .find(|d| has(d))
            .or_else(|| {
                std::env::var_os("PATH")
                    .and_then(|path| std::env::split_paths(&path).find(|d| has(d)))
            })
    }

    /// `Ok` when a private PostgreSQL can be started here (Linux, the
    /// binaries installed, and as root the `postgres` OS user); otherwise
    /// why not, for a test to report itself as skipped.
    pub fn available() -> Result<(), String> {
        linux_only().map_err(|e| e.to_string())?;
        if Self::bin_dir().is_none() {
            return Err(
                "PostgreSQL server binaries (initdb, pg_ctl) not found; install them or set ORM_TEST_PG_BIN"
                    .to_owned(),
            );
        }
        if is_root() && postgres_ids().is_none() {
            return Err(
                "running as root, but there is no `postgres` OS user to run the server as"
                    .to_owned(),
            );
        }
        Ok(())
    }

    /// Creates a cluster in a new temporary directory (`initdb`, trust
    /// authentication, `fsync` on) and starts it on a free port of
    /// `127.0.0.1`, its unix socket in the directory, waiting until it
    /// accepts connections.
    pub fn start() -> io::Result<Self> {
        linux_only()?;
        let bin = Self::bin_dir().ok_or_else(|| {
            other("PostgreSQL server binaries (initdb, pg_ctl) not found; set ORM_TEST_PG_BIN")
        })?;
        let as_postgres = is_root();
        let dir = temp_dir("orm-private-pg")?;
        let mut server = PrivatePostgres {
            dir,
            bin,
            port: 0,
            as_postgres,
        };
        if as_postgres {
            let (uid, gid) = postgres_ids()
                .ok_or_else(|| other("no `postgres` OS user to run the server as"))?;
            #[cfg(unix)]
            std::os::unix::fs::chown(&server.dir, Some(uid), Some(gid))?;
            let _ = (uid, gid);
        }
        let data = server.data_dir();
        run(
            server.command("initdb").arg("-D").arg(&data).args([
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--no-instructions",
            ]),
            "initdb",
        )?;
        // A port can be taken between `free_port` and the server's bind:
        // try a few.
        let mut last = None;
        for _ in 0..5 {
            server.port = free_port()?;
            match server.pg_ctl_start() {
                Ok(()) => return Ok(server),
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(|| other("cannot start PostgreSQL")))
    }

    /// `postgres://postgres@127.0.0.1:PORT/postgres`.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// The TCP port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The data directory (the cluster).
    pub fn data_dir(&self) -> PathBuf {
        self.dir.join("data")
    }

    /// The server log.
    pub fn log_file(&self) -> PathBuf {
        self.dir.join("server.log")
    }

    /// The postmaster's pid, from `postmaster.pid` (`None` when stopped).
    pub fn pid(&self) -> Option<u32> {
        let text = std::fs::read_to_string(self.data_dir().join("postmaster.pid")).ok()?;
        let pid = text.lines().next()?.trim().parse().ok()?;
        alive(pid).then_some(pid)
    }

    /// Stops the postmaster and all its children with `SIGSTOP`: the server
    /// stops answering, its sockets stay open (connections neither fail nor
    /// get answers; new ones are accepted by the kernel and wait).
    pub fn pause(&self) -> io::Result<()> {
        let pid = self
            .pid()
            .ok_or_else(|| other("PostgreSQL is not running"))?;
        // The postmaster first, so that it forks no child meanwhile.
        signal(&[pid], "STOP")?;
        let tree = process_tree(pid);
        signal(&tree[1..], "STOP")
    }

    /// Lets the paused server run again (`SIGCONT`).
    pub fn resume(&self) -> io::Result<()> {
        let pid = self
            .pid()
            .ok_or_else(|| other("PostgreSQL is not running"))?;
        let tree = process_tree(pid);
        // Children first: the postmaster then finds them running.
        let mut order = tree[1..].to_vec();
        order.push(pid);
        signal(&order, "CONT")
    }

    /// A crash: `pg_ctl stop -m immediate` (every process quits at once,
    /// nothing is flushed; the next start runs crash recovery). A paused
    /// server is resumed first, so that it can receive the signal.
    pub fn stop_immediate(&self) -> io::Result<()> {
        let Some(pid) = self.pid() else {
            return Ok(());
        };
        let _ = signal(&process_tree(pid), "CONT");
        run(
            self.command("pg_ctl")
                .arg("stop")
                .arg("-D")
                .arg(self.data_dir())
                .args(["-m", "immediate", "-w", "-t", "60"]),
            "pg_ctl stop -m immediate",
        )?;
        Ok(())
    }

    /// Starts the server again (after [`stop_immediate`](Self::stop_immediate):
    /// crash recovery), same data directory and port, waiting until it
    /// accepts connections. Stops it first if it is running.
    pub fn restart(&self) -> io::Result<()> {
        if self.pid().is_some() {
            self.stop_immediate()?;
        }
        self.pg_ctl_start()
    }

    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        let mut command = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            Command::new(path)
        };
        // A locale every system has; libpq variables of the caller ignored.
        command
            .env("LC_ALL", "C")
            .env_remove("PGDATA")
            .env_remove("PGPORT")
            .env_remove("PGHOST");
        command
    }

    fn pg_ctl_start(&self) -> io::Result<()> {
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -c unix_socket_directories='{}' -c fsync=on -c max_connections=50 -c shared_buffers=16MB",
            self.port,
            self.dir.display()
        );
        let result = run(
            self.command("pg_ctl")
                .arg("start")
                .arg("-D")
                .arg(self.data_dir())
                .arg("-l")
                .arg(self.log_file())
                .arg("-o")
                .arg(options)
                .args(["-w", "-t", &START_TIMEOUT.as_secs().to_string()]),
            "pg_ctl start",
        );
        match result {
            Ok(_) if self.accepts_tcp() => Ok(()),
            Ok(_) => Err(other(format!(
                "PostgreSQL started but does not accept TCP connections on port {}\n{}",
                self.port,
                log_tail(&self.log_file())
            ))),
            Err(e) => Err(other(format!("{e}\n{}", log_tail(&self.log_file())))),
        }
    }

    fn accepts_tcp(&self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }
}

impl Drop for PrivatePostgres {
    /// Stops the server (immediately) and removes its directory, also when
    /// the test panicked.
    fn drop(&mut self) {
        if let Err(e) = self.stop_immediate() {
            eprintln!("warning: cannot stop the private PostgreSQL: {e}");
            if let Some(pid) = self.pid() {
                let _ = signal(&process_tree(pid), "KILL");
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The uid and gid of the `postgres` OS user.
fn postgres_ids() -> Option<(u32, u32)> {
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let fields: Vec<&str> = line.split(':').collect();
        (fields.first() == Some(&"postgres") && fields.len() > 3)
            .then(|| Some((fields[2].parse().ok()?, fields[3].parse().ok()?)))
            .flatten()
    })
}

// ------------------------------------------------------------------- MariaDB

/// A MariaDB server of the test's own (see the [module](self) docs).
#[derive(Debug)]
pub struct PrivateMariaDb {
    dir: PathBuf,
    server: PathBuf,
    port: u16,
    child: Mutex<Option<Child>>,
}

impl PrivateMariaDb {
    /// `mariadbd` (or `mysqld`) and `mariadb-install-db`
    /// (or `mysql_install_db`).
    fn binaries() -> Option<(PathBuf, PathBuf)> {
        let find = |names: &[&str]| -> Option<PathBuf> {
            let mut dirs = vec![PathBuf::from("/usr/sbin"), PathBuf::from("/usr/bin")];
            if let Some(path) = std::env::var_os("PATH") {
                dirs.extend(std::env::split_paths(&path));
            }
            dirs.iter()
                .flat_map(|d| names.iter().map(move |n| d.join(n)))
                .find(|p| p.is_file())
        };
        Some((
            find(&["mariadbd", "mysqld"])?,
            find(&["mariadb-install-db", "mysql_install_db"])?,
        ))
    }

    /// `Ok` when a private MariaDB can be started here (Linux and the
    /// binaries installed); otherwise why not.
    pub fn available() -> Result<(), String> {
        linux_only().map_err(|e| e.to_string())?;
        Self::binaries().map(drop).ok_or_else(|| {
            "MariaDB server binaries (mariadbd, mariadb-install-db) not found".to_owned()
        })
    }

    /// Creates a data directory in a new temporary directory
    /// (`mariadb-install-db`, `root` without a password, a database
    /// `test`) and starts `mariadbd` on a free port of `127.0.0.1`, its
    /// socket in the directory, waiting until it greets clients.
    pub fn start() -> io::Result<Self> {
        linux_only()?;
        let (server, install) = Self::binaries().ok_or_else(|| {
            other("MariaDB server binaries (mariadbd, mariadb-install-db) not found")
        })?;
        let dir = temp_dir("orm-private-mariadb")?;
        let mut this = PrivateMariaDb {
            dir,
            server,
            port: 0,
            child: Mutex::new(None),
        };
        let data = this.data_dir();
        let mut command = Command::new(install);
        command
            .arg("--no-defaults")
            .arg(format!("--datadir={}", data.display()))
            .arg("--auth-root-authentication-method=normal")
            .arg("--skip-test-db")
            .args(this.user_args());
        run(&mut command, "mariadb-install-db")?;
        // The database `test`: a directory of the data directory is one.
        std::fs::create_dir_all(data.join("test"))?;
        let mut last = None;
        for _ in 0..5 {
            this.port = free_port()?;
            match this.spawn() {
                Ok(()) => return Ok(this),
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(|| other("cannot start MariaDB")))
    }

    /// `mysql://root@127.0.0.1:PORT/test`.
    pub fn url(&self) -> String {
        format!("mysql://root@127.0.0.1:{}/test", self.port)
    }

    /// The TCP port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The data directory.
    pub fn data_dir(&self) -> PathBuf {
        self.dir.join("data")
    }

    /// The server's error log.
    pub fn log_file(&self) -> PathBuf {
        self.dir.join("server.log")
    }

    /// The server's pid (`None` when stopped).
    pub fn pid(&self) -> Option<u32> {
        let mut child = self.child.lock().ok()?;
        let running = child.as_mut()?;
        match running.try_wait() {
            Ok(None) => Some(running.id()),
            _ => None,
        }
    }

    /// Stops the server with `SIGSTOP` (one process: every thread stops).
    pub fn pause(&self) -> io::Result<()> {
        let pid = self.pid().ok_or_else(|| other("MariaDB is not running"))?;
        signal(&[pid], "STOP")
    }

    /// Lets the paused server run again (`SIGCONT`).
    pub fn resume(&self) -> io::Result<()> {
        let pid = self.pid().ok_or_else(|| other("MariaDB is not running"))?;
        signal(&[pid], "CONT")
    }

    /// A crash: `SIGKILL` (InnoDB recovers from its redo log on the next
    /// start). Waits until the process is gone.
    pub fn stop_immediate(&self) -> io::Result<()> {
        let mut child = self
            .child
            .lock()
            .map_err(|_| other("the MariaDB child handle is poisoned"))?;
        if let Some(mut running) = child.take() {
            if running.try_wait()?.is_none() {
                running.kill()?;
            }
            running.wait()?;
        }
        Ok(())
    }

    /// Starts the server again, same data directory and port, waiting until
    /// it greets clients. Stops it first if it is running.
    pub fn restart(&self) -> io::Result<()> {
        self.stop_immediate()?;
        self.spawn()
    }

    fn user_args(&self) -> Vec<String> {
        if is_root() {
            vec!["--user=root".to_owned()]
        } else {
            Vec::new()
        }
    }

    fn spawn(&self) -> io::Result<()> {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.log_file())?;
        let mut command = Command::new(&self.server);
        command
            .arg("--no-defaults")
            .arg(format!("--datadir={}", self.data_dir().display()))
            .arg(format!("--port={}", self.port))
            .arg("--bind-address=127.0.0.1")
            .arg(format!(
                "--socket={}",
                self.dir.join("mysqld.sock").display()
            ))
            .arg(format!(
                "--pid-file={}",
                self.dir.join("mysqld.pid").display()
            ))
            .arg(format!("--log-error={}", self.log_file().display()))
            .arg("--skip-name-resolve")
            .arg("--innodb-buffer-pool-size=32M")
            .args(self.user_args())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log);
        let child = command
            .spawn()
            .map_err(|e| other(format!("cannot run {command:?}: {e}")))?;
        let pid = child.id();
        *self
            .child
            .lock()
            .map_err(|_| other("the MariaDB child handle is poisoned"))? = Some(child);
        let deadline = Instant::now() + START_TIMEOUT;
        while Instant::now() < deadline {
            if self.pid().is_none() {
                let _ = self.stop_immediate();
                return Err(other(format!(
                    "mariadbd (pid {pid}) exited while starting\n{}",
                    log_tail(&self.log_file())
                )));
            }
            // Our own socket file too: another process could own the port.
            if self.dir.join("mysqld.sock").exists() && greets(self.port) {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.stop_immediate();
        Err(other(format!(
            "mariadbd did not answer on port {} within {START_TIMEOUT:?}\n{}",
            self.port,
            log_tail(&self.log_file())
        )))
    }
}

impl Drop for PrivateMariaDb {
    /// Kills the server and removes its directory, also when the test
    /// panicked.
    fn drop(&mut self) {
        if let Some(pid) = self.pid() {
            // A stopped process still dies of SIGKILL; CONT anyway.
            let _ = signal(&[pid], "CONT");
        }
        if let Err(e) = self.stop_immediate() {
            eprintln!("warning: cannot stop the private MariaDB: {e}");
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
