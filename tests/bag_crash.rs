//! A bag extended by a process that is killed at any moment is still a
//! valid bag: the old one or the new one, never something in between.
//!
//! The test binary runs itself as the writer (`child_extends_the_bag`, an
//! ignored test that only acts when the parent sets `ZHARCHIVE_BAG_CHILD`),
//! kills it with SIGKILL after seeded pseudo-random delays spread over a
//! whole uncut run (start-up, checking the old bag, linking, writing, the
//! swap, the clean-up), and checks the folder with a validator of its own,
//! written here independently of the library's.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256, Sha512};
use zharchive::package::bagit::BagWriter;
use zharchive::render::Timestamp;

const CHILD: &str = "ZHARCHIVE_BAG_CHILD";
const FILES_PER_BATCH: usize = 150;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Batch `n`'s payload: paths and bytes, different per batch.
fn batch(n: usize) -> Vec<(String, Vec<u8>)> {
    (0..FILES_PER_BATCH)
        .map(|i| {
            let text = format!("第{n}批第{i}篇。").repeat(40 + (i * 7 + n) % 200);
            (format!("batch-{n:03}/article-{i:03}.txt"), text.into_bytes())
        })
        .collect()
}

fn extend(dir: &Path, n: usize) {
    let mut bag = BagWriter::open(dir, Timestamp::parse("2024-06-15").unwrap()).unwrap();
    bag.info_line(&format!("Internal-Sender-Description: batch {n}")).unwrap();
    for (path, bytes) in batch(n) {
        bag.add_file(&path, &bytes).unwrap();
    }
    bag.finish().unwrap();
}

/// The writer process: extends the bag named by the parent with one batch.
#[test]
#[ignore = "run by `a_killed_writer_leaves_the_old_bag_or_the_new_one` as its child process"]
fn child_extends_the_bag() {
    let (Ok(dir), Ok(n)) = (std::env::var(CHILD), std::env::var("ZHARCHIVE_BAG_BATCH")) else {
        return;
    };
    extend(Path::new(&dir), n.parse().unwrap());
}

/// Check the bag as a BagIt validator would; return its payload paths.
fn check_bag(dir: &Path) -> Result<BTreeSet<String>, String> {
    let read = |name: &str| std::fs::read(dir.join(name)).map_err(|e| format!("{name}: {e}"));
    if read("bagit.txt")? != b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n" {
        return Err("bagit.txt differs".into());
    }
    let mut on_disk = BTreeMap::new();
    let mut stack = vec![dir.join("data")];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).map_err(|e| format!("{}: {e}", folder.display()))? {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap().to_str().unwrap().to_owned();
                on_disk.insert(rel, std::fs::read(&path).map_err(|e| e.to_string())?);
            }
        }
    }
    for (manifest, hash) in [
        ("manifest-sha256.txt", (|b: &[u8]| hex(&Sha256::digest(b))) as fn(&[u8]) -> String),
        ("manifest-sha512.txt", |b: &[u8]| hex(&Sha512::digest(b))),
    ] {
        let text = String::from_utf8(read(manifest)?).map_err(|e| e.to_string())?;
        let mut listed = BTreeSet::new();
        for line in text.lines() {
            let (digest, path) = line.split_once("  ").ok_or(format!("{manifest}: bad line {line:?}"))?;
            let bytes = on_disk.get(path).ok_or(format!("{manifest}: {path} is missing"))?;
            if hash(bytes) != digest {
                return Err(format!("{manifest}: {path} does not match"));
            }
            listed.insert(path.to_owned());
        }
        if let Some(extra) = on_disk.keys().find(|p| !listed.contains(*p)) {
            return Err(format!("{extra} is not in {manifest}"));
        }
    }
    let info = String::from_utf8(read("bag-info.txt")?).map_err(|e| e.to_string())?;
    let oxum = format!("Payload-Oxum: {}.{}", on_disk.values().map(|b| b.len()).sum::<usize>(), on_disk.len());
    if !info.lines().any(|l| l == oxum) {
        return Err(format!("bag-info.txt lacks {oxum:?}"));
    }
    for line in String::from_utf8(read("tagmanifest-sha256.txt")?).map_err(|e| e.to_string())?.lines() {
        let (digest, name) = line.split_once("  ").ok_or(format!("tagmanifest: bad line {line:?}"))?;
        if hex(&Sha256::digest(read(name)?)) != digest {
            return Err(format!("tagmanifest: {name} does not match"));
        }
    }
    Ok(on_disk.into_keys().collect())
}

fn paths_of(batches: &[usize]) -> BTreeSet<String> {
    batches.iter().flat_map(|&n| batch(n)).map(|(p, _)| format!("data/{p}")).collect()
}

/// A run of the child writer adding batch `n`, killed after `delay` (if it
/// has not finished by then).
fn run_child(dir: &Path, n: usize, delay: Option<Duration>) -> Duration {
    let start = Instant::now();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_extends_the_bag", "--ignored", "--quiet", "--test-threads=1"])
        .env(CHILD, dir)
        .env("ZHARCHIVE_BAG_BATCH", n.to_string())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    if let Some(delay) = delay {
        std::thread::sleep(delay);
        let _ = child.kill();
    }
    let status = child.wait().unwrap();
    if delay.is_none() {
        assert!(status.success(), "an uncut run succeeds");
    }
    start.elapsed()
}

#[test]
fn a_killed_writer_leaves_the_old_bag_or_the_new_one() {
    let root: PathBuf = std::env::temp_dir().join(format!("zharchive-bag-crash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let dir = root.join("bag");
    extend(&dir, 0);
    let mut batches = vec![0];
    assert_eq!(check_bag(&dir), Ok(paths_of(&batches)));

    // How long a whole run takes here (two uncut runs; the slower one).
    let mut whole = Duration::ZERO;
    for n in [1, 2] {
        whole = whole.max(run_child(&dir, n, None));
        batches.push(n);
        assert_eq!(check_bag(&dir), Ok(paths_of(&batches)));
    }

    // Kill points spread over the whole run and past its end, from a
    // fixed seed (xorshift), so a failure can be replayed.
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let (mut old, mut new) = (0, 0);
    for n in 3..43 {
        // The bag grows, and so does a run (the old bag is checked first):
        // measure again now and then.
        if n % 8 == 0 {
            whole = run_child(&dir, n, None);
            batches.push(n);
            assert_eq!(check_bag(&dir), Ok(paths_of(&batches)));
            continue;
        }
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let delay = whole.mul_f64((seed % 1000) as f64 / 1000.0 * 1.3);
        run_child(&dir, n, Some(delay));
        let found = check_bag(&dir).unwrap_or_else(|e| panic!("killed after {delay:?} (batch {n}): invalid bag: {e}"));
        if found == paths_of(&batches) {
            old += 1;
        } else {
            batches.push(n);
            assert_eq!(found, paths_of(&batches), "killed after {delay:?}: neither the old bag nor the new one");
            new += 1;
        }
    }
    eprintln!("whole run {whole:?}: {old} kills left the old bag, {new} the new one");
    assert!(old > 0 && new > 0, "the kills fell on both sides of the swap ({old} old, {new} new)");
    // A later writer cleans up whatever the killed ones left beside the bag.
    run_child(&dir, 99, None);
    batches.push(99);
    assert_eq!(check_bag(&dir), Ok(paths_of(&batches)));
    let beside: Vec<String> =
        std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(beside.len(), 2, "nothing left beside the bag but its lock: {beside:?}");
    assert!(beside.contains(&".bag.zharchive.lock".to_owned()), "{beside:?}");
    zharchive::package::bagit::validate(&dir).unwrap();
    // The validator above can fail: one flipped payload byte is caught.
    let victim = dir.join("data/batch-099/article-000.txt");
    let mut bytes = std::fs::read(&victim).unwrap();
    bytes[0] ^= 1;
    std::fs::write(&victim, bytes).unwrap();
    assert_eq!(check_bag(&dir), Err("manifest-sha256.txt: data/batch-099/article-000.txt does not match".to_owned()));
    std::fs::remove_dir_all(&root).unwrap();
}
