//! Tests of the file-system context: building trees, fork and exec.

use super::*;
use crate::vfs::devfs::makedev;

fn tmp_host_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("nanovm-fsctx-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(d.join("tmp/scratch")).unwrap();
    std::fs::create_dir_all(d.join("dev")).unwrap();
    std::fs::create_dir_all(d.join("bin")).unwrap();
    std::fs::write(d.join("tmp/scratch/.marker"), b"m").unwrap();
    std::fs::write(d.join("bin/prog"), b"\x7fELF...").unwrap();
    std::fs::write(d.join("bin/data"), b"not executable").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(d.join("bin/prog"), std::fs::Permissions::from_mode(0o755)).unwrap();
    d
}

#[test]
fn mount_spec_parsing() {
    let m = MountSpec::parse("/host:/guest:ro").unwrap();
    assert_eq!(
        (m.host, m.guest, m.read_only),
        ("/host".into(), b"/guest".to_vec(), true)
    );
    assert!(!MountSpec::parse("/h:/g").unwrap().read_only);
    assert!(!MountSpec::parse("/h:/g:rw").unwrap().read_only);
    for bad in ["/h", "/h:g", ":/g", "/h:/g:xx", "/h:/g:ro:ro"] {
        assert!(MountSpec::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn default_tree_fork_and_exec() {
    let mut fs = FsCtx::new_default();
    assert_eq!(fs.fds.fds(), vec![0, 1, 2]);
    let f = fs.fds.get(1).unwrap().clone();
    assert_eq!(fs.kernel.host_fd(&f), Some(1));
    assert!(!fs.kernel.is_random(&f));
    let st = f.stat().unwrap();
    // A pipe until the syscall layer asks the host (fs_stdio::refresh).
    assert_eq!((st.mode, st.dev, st.rdev), (0o010600, STDIO_DEV, 0));
    fs.kernel
        .stdio()
        .set_kind(1, crate::StdioKind::Tty { rows: 1, cols: 1 });
    let st = f.stat().unwrap();
    assert_eq!(
        (st.mode, st.dev, st.rdev),
        (0o020620, STDIO_DEV, makedev(136, 0))
    );
    let pc = fs.path_ctx();
    let tmp = fs.kernel.vfs.lookup(&pc, &fs.cwd, b"/tmp", true).unwrap();
    assert_eq!(tmp.stat().unwrap().mode, 0o041777);
    let rnd = fs
        .kernel
        .vfs
        .open(&pc, &fs.cwd, b"/dev/random", O_RDONLY, 0)
        .unwrap();
    assert!(fs.kernel.is_random(&rnd));
    let rnd = Rc::new(rnd);
    fs.fds.alloc(rnd, true).unwrap();
    let child = fs.clone_for_fork();
    assert!(Rc::ptr_eq(
        child.fds.get(3).unwrap(),
        fs.fds.get(3).unwrap()
    ));
    fs.exec();
    assert_eq!(fs.fds.fds(), vec![0, 1, 2], "close-on-exec");
    assert_eq!(child.fds.fds(), vec![0, 1, 2, 3]);
    assert_eq!(fs.open_exec(b"/etc/passwd"), Err(Errno::EACCES));
    assert_eq!(fs.open_exec(b"/tmp"), Err(Errno::EACCES));
    assert_eq!(fs.open_exec(b"/nope"), Err(Errno::ENOENT));
}

#[test]
fn host_root_is_read_only_with_memory_tmp() {
    let d = tmp_host_dir("root");
    let cfg = FsConfig {
        root: Some(d.clone()),
        mounts: vec![],
        cwd: b"/tmp/scratch".to_vec(),
    };
    let mut fs = FsCtx::build(&cfg).unwrap();
    assert_eq!(fs.open_exec(b"/bin/prog").unwrap(), b"\x7fELF...");
    assert_eq!(fs.open_exec(b"/bin/data"), Err(Errno::EACCES));
    let pc = fs.path_ctx();
    let vfs = &fs.kernel.vfs;
    assert!(
        vfs.lookup(&pc, &fs.cwd, b".marker", true).is_ok(),
        "tmp copied in"
    );
    assert_eq!(
        vfs.mkdir(&pc, &fs.cwd, b"/bin/new", 0o755),
        Err(Errno::EROFS)
    );
    let f = vfs
        .open(&pc, &fs.cwd, b"made", O_WRONLY | O_CREAT, 0o644)
        .unwrap();
    assert_eq!(f.write(b"x"), Ok(1));
    assert!(
        !d.join("tmp/scratch/made").exists(),
        "the host is untouched"
    );
    assert!(vfs.lookup(&pc, &fs.cwd, b"/dev/null", true).is_ok());
    // A writable mount does reach the host.
    let cfg = FsConfig {
        mounts: vec![MountSpec::parse(&format!("{}:/mnt/w", d.join("bin").display())).unwrap()],
        ..FsConfig::default()
    };
    let fs = FsCtx::build(&cfg).unwrap();
    let pc = fs.path_ctx();
    let f = fs
        .kernel
        .vfs
        .open(&pc, &fs.cwd, b"/mnt/w/out", O_WRONLY | O_CREAT, 0o644);
    assert_eq!(f.unwrap().write(b"hi"), Ok(2));
    assert_eq!(std::fs::read(d.join("bin/out")).unwrap(), b"hi");
    let bad = FsConfig {
        root: Some(d.join("missing")),
        ..FsConfig::default()
    };
    assert!(FsCtx::build(&bad).err().unwrap().starts_with("--root "));
    let bad = FsConfig {
        cwd: b"/nonexistent".to_vec(),
        ..FsConfig::default()
    };
    assert!(FsCtx::build(&bad).is_err());
    std::fs::remove_dir_all(&d).unwrap();
}
