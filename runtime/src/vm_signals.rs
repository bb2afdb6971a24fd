//! Signals from the host: [`Vm::kill`] (what `kill(1)` from outside the
//! machine does) and [`Vm::interrupt`] (what the terminal driver does on
//! Ctrl-C: a signal to the foreground process group). Both act between
//! [`Vm::run`] calls, so a guest spinning in an endless loop stays killable:
//! the signal is taken at its next slice boundary, and a parked (sleeping,
//! waiting) thread is woken at once.

use super::Vm;
use crate::signal::{self, SigInfo};
use crate::Errno;

impl Vm {
    /// Sends `sig` to guest processes from outside the machine, with
    /// `kill(2)`'s addressing: `pid > 0` that process, `pid < -1` process
    /// group `-pid`, `0` the first process's group, `-1` every process.
    /// `sig` 0 only checks that a target exists. The sender shows as pid 0,
    /// uid 0 (`SI_USER`), as from another pid namespace. SIGKILL kills at
    /// once; other signals are delivered when a target thread next runs
    /// (a parked thread is woken). `Err(ESRCH)` when nothing matches,
    /// `Err(EINVAL)` for a bad signal number or after the run ended.
    pub fn kill(&mut self, pid: i32, sig: i32) -> Result<(), Errno> {
        if !(0..=crate::task::NSIG as i32).contains(&sig) || pid == i32::MIN || self.ended() {
            return Err(Errno::EINVAL);
        }
        let init_pgid = self.k.procs.get(&self.k.init_pid).map(|p| p.pgid);
        let targets: Vec<i32> = self
            .k
            .procs
            .values()
            .filter(|p| match pid {
                -1 => true,
                0 => Some(p.pgid) == init_pgid,
                g if g < -1 => p.pgid == -g,
                one => p.pid == one,
            })
            .map(|p| p.pid)
            .collect();
        // A zombie exists for kill(2): the signal is accepted and lost.
        let zombie = pid > 0 && self.k.zombies.contains_key(&pid);
        if targets.is_empty() && !zombie {
            return Err(Errno::ESRCH);
        }
        self.send(&targets, SigInfo::user(sig, signal::SI_USER, 0, 0));
        Ok(())
    }

    /// Sends `sig` to the guest's foreground process group, as the terminal
    /// driver does for Ctrl-C (`SIGINT`), Ctrl-\ (`SIGQUIT`) or a hang-up:
    /// the group set with `tcsetpgrp`, or else the first process's group.
    /// Returns how many processes it reached (0 once the run has ended).
    pub fn interrupt(&mut self, sig: i32) -> usize {
        if !(1..=crate::task::NSIG as i32).contains(&sig) || self.ended() {
            return 0;
        }
        let Some(init) = self.k.procs.get(&self.k.init_pid) else {
            return 0;
        };
        let fg = crate::tty::console_fg(&self.pts)
            .unwrap_or_else(|| init.fs.kernel.stdio().tty.borrow().fg_pgrp);
        let init_pgid = init.pgid;
        let in_group = |g: i32| -> Vec<i32> {
            let ps = self.k.procs.values();
            ps.filter(|p| p.pgid == g).map(|p| p.pid).collect()
        };
        let mut targets = if fg > 0 { in_group(fg) } else { Vec::new() };
        if targets.is_empty() {
            targets = in_group(init_pgid);
        }
        // The tty driver's `kill_pgrp(.., SEND_SIG_PRIV)`: SI_KERNEL.
        self.send(&targets, SigInfo::kernel(sig));
        targets.len()
    }

    /// True once the first process has ended (nothing runs any more).
    fn ended(&self) -> bool {
        self.k.init_status().is_some()
    }

    /// Posts `info` to each of `targets` (all in the tables: no syscall is
    /// running between `run` calls) and settles it.
    fn send(&mut self, targets: &[i32], info: SigInfo) {
        let sig = info.signo();
        if sig == 0 {
            return;
        }
        for &pid in targets {
            if sig == signal::SIGKILL {
                // At once, keeping the first thread's registers for `cpu()`.
                self.kill_process(pid, sig, None, None);
            } else {
                self.k.post_signal(pid, info);
            }
        }
        self.k.settle();
    }
}

#[cfg(test)]
mod tests {
    use crate::elf::tests::tiny_elf;
    use crate::{CaptureHost, Errno, Options, RunState, Vm};

    /// `j .` : an endless loop.
    fn spinner() -> Vm {
        let bytes = tiny_elf(&[0x6f, 0, 0, 0]);
        Vm::load(&bytes, &[b"spin".to_vec()], &[], &Options::default()).unwrap()
    }

    #[test]
    fn a_spinning_guest_is_killed_from_the_host() {
        let mut vm = spinner();
        let mut host = CaptureHost::default();
        assert_eq!(vm.run(&mut host, 10_000), RunState::Running);
        assert_eq!(vm.kill(1000, 0), Ok(()));
        assert_eq!(vm.kill(4242, 9), Err(Errno::ESRCH));
        assert_eq!(vm.kill(1000, 65), Err(Errno::EINVAL));
        assert_eq!(vm.kill(1000, 9), Ok(()));
        assert_eq!(vm.run(&mut host, 10_000), RunState::Killed(9));
        assert_eq!(
            vm.kill_info().map(|k| k.to_string()).as_deref(),
            Some("Killed (SIGKILL)")
        );
        assert_eq!(vm.kill(1000, 9), Err(Errno::EINVAL));
        assert_eq!(vm.cpu().pc, 0x10000 + 120);
    }

    #[test]
    fn interrupt_reaches_the_foreground_group() {
        let mut vm = spinner();
        let mut host = CaptureHost::default();
        assert_eq!(vm.run(&mut host, 1000), RunState::Running);
        assert_eq!(vm.interrupt(2), 1);
        assert_eq!(vm.run(&mut host, 1000), RunState::Killed(2));
        assert_eq!(vm.interrupt(2), 0);
        let mut vm = spinner();
        assert_eq!(vm.kill(0, 15), Ok(()));
        assert_eq!(vm.run(&mut host, 1000), RunState::Killed(15));
    }
}
