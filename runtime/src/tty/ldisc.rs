//! [`Ldisc`]: the line discipline (Linux's `n_tty`), as plain data: input
//! bytes go in, readable bytes, echo output and signals come out. It knows
//! nothing of processes, descriptors or hosts, so it is unit tested on its
//! own; [`super::Tty`] wraps it with the rest of a terminal.
//!
//! Input processing, per byte and in Linux's order: ISTRIP; the signal
//! characters under ISIG (VINTR, VQUIT, VSUSP: the signal is reported, the
//! queues flushed unless NOFLSH, the character echoed); IXON's VSTART/VSTOP
//! are consumed (output is never actually stopped: there is no flow control
//! to honour); CR/NL mapping (IGNCR, ICRNL, INLCR); then either canonical
//! editing under ICANON (VERASE, VKILL, VWERASE and VLNEXT/VREPRINT under
//! IEXTEN, lines ended by NL, VEOL, VEOL2 or VEOF, at most 4095 characters
//! per line as in Linux) or the raw queue. Echo follows ECHO, ECHOE, ECHOK,
//! ECHOKE, ECHONL and ECHOCTL (`^C`), and goes through output processing
//! like any output.
//!
//! Output processing under OPOST: ONLCR, OCRNL, ONOCR, ONLRET and XTABS,
//! with the column tracked (so erasing a tab moves back the right amount).

use super::termios::{cc::*, iflag::*, lflag::*, oflag::*, Termios};
use std::collections::VecDeque;

/// Longest canonical line (Linux's `N_TTY_BUF_SIZE` less the terminator).
pub const MAX_CANON: usize = 4095;
/// Most bytes the raw input queue holds before writers must wait.
pub const MAX_INPUT: usize = 64 * 1024;

pub use crate::signal::{SIGINT, SIGQUIT, SIGTSTP};

/// What processing some input produced besides readable bytes.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Effects {
    /// Echo, already output-processed: goes to the terminal's output.
    pub echo: Vec<u8>,
    /// Signals for the foreground process group, in order.
    pub signals: Vec<i32>,
}

/// The line discipline's state (see the module doc).
#[derive(Debug, Default, Clone)]
pub struct Ldisc {
    /// Canonical mode: finished lines (with their NL/VEOL, without VEOF; an
    /// empty one is an end of file).
    lines: VecDeque<Vec<u8>>,
    /// The line being edited.
    line: Vec<u8>,
    /// Non-canonical mode: bytes ready to read.
    raw: VecDeque<u8>,
    /// The previous byte was VLNEXT: take this one literally.
    lnext: bool,
    /// Output column (for tab expansion and erasing).
    column: u32,
    /// The column where the echo of the line being edited began.
    line_col: u32,
}

fn is_ctl(c: u8) -> bool {
    c < 0x20 || c == 0x7f
}

fn is_cont(t: &Termios, c: u8) -> bool {
    t.iflag() & IUTF8 != 0 && (c & 0xc0) == 0x80
}

impl Ldisc {
    /// Processes input `data` under `t`. Returns how many bytes were taken:
    /// all of them, except that non-canonical input stops when the raw queue
    /// holds [`MAX_INPUT`] bytes (the writer waits for a reader).
    pub fn input(&mut self, t: &Termios, data: &[u8], fx: &mut Effects) -> usize {
        for (i, &b) in data.iter().enumerate() {
            if !t.canon() && self.raw.len() >= MAX_INPUT {
                return i;
            }
            self.input_byte(t, b, fx);
        }
        data.len()
    }

    fn input_byte(&mut self, t: &Termios, b: u8, fx: &mut Effects) {
        let (ifl, lfl) = (t.iflag(), t.lflag());
        let mut c = if ifl & ISTRIP != 0 { b & 0x7f } else { b };
        if self.lnext {
            self.lnext = false;
            self.literal(t, c, fx);
            return;
        }
        if lfl & ISIG != 0 {
            let sig = [(VINTR, SIGINT), (VQUIT, SIGQUIT), (VSUSP, SIGTSTP)]
                .into_iter()
                .find(|&(i, _)| t.is(i, c));
            if let Some((_, sig)) = sig {
                if lfl & NOFLSH == 0 {
                    self.flush_input();
                }
                fx.signals.push(sig);
                if lfl & ECHO != 0 {
                    self.echo_char(t, c, fx);
                }
                return;
            }
        }
        if ifl & IXON != 0 && (t.is(VSTART, c) || t.is(VSTOP, c)) {
            return;
        }
        if c == b'\r' {
            if ifl & IGNCR != 0 {
                return;
            }
            if ifl & ICRNL != 0 {
                c = b'\n';
            }
        } else if c == b'\n' && ifl & INLCR != 0 {
            c = b'\r';
        }
        if !t.canon() {
            self.raw.push_back(c);
            if lfl & ECHO != 0 {
                self.echo_char(t, c, fx);
            }
            return;
        }
        let iexten = lfl & IEXTEN != 0;
        if t.is(VERASE, c) || t.is(VKILL, c) || (iexten && t.is(VWERASE, c)) {
            self.erase(t, c, fx);
            return;
        }
        if iexten && t.is(VLNEXT, c) {
            self.lnext = true;
            if lfl & ECHO != 0 && lfl & ECHOCTL != 0 {
                // Linux shows "^" and backs over it when the next byte comes.
                self.out(t, b"^\x08", fx);
            }
            return;
        }
        if iexten && t.is(VREPRINT, c) && lfl & ECHO != 0 {
            self.echo_char(t, c, fx);
            self.out(t, b"\n", fx);
            self.line_col = self.column;
            for b in self.line.clone() {
                self.echo_char(t, b, fx);
            }
            return;
        }
        if t.is(VEOF, c) {
            let line = std::mem::take(&mut self.line);
            self.lines.push_back(line);
            return;
        }
        if c == b'\n' || t.is(VEOL, c) || t.is(VEOL2, c) {
            self.line.push(c);
            let line = std::mem::take(&mut self.line);
            self.lines.push_back(line);
            if lfl & (ECHO | ECHONL) != 0 && c == b'\n' {
                self.out(t, b"\n", fx);
            } else if lfl & ECHO != 0 {
                self.echo_char(t, c, fx);
            }
            return;
        }
        self.literal(t, c, fx);
    }

    /// A byte that is just data (in canonical mode: added to the line).
    fn literal(&mut self, t: &Termios, c: u8, fx: &mut Effects) {
        if !t.canon() {
            self.raw.push_back(c);
        } else if self.line.len() < MAX_CANON {
            if self.line.is_empty() {
                self.line_col = self.column;
            }
            self.line.push(c);
        } else {
            return;
        }
        if t.lflag() & ECHO != 0 {
            self.echo_char(t, c, fx);
        }
    }

    /// VERASE, VWERASE or VKILL (`c`) on the line being edited.
    fn erase(&mut self, t: &Termios, c: u8, fx: &mut Effects) {
        let lfl = t.lflag();
        let kill = t.is(VKILL, c);
        let werase = !kill && !t.is(VERASE, c);
        if self.line.is_empty() {
            return;
        }
        if kill && (lfl & ECHO == 0 || lfl & ECHOKE == 0 || lfl & ECHOE == 0) {
            self.line.clear();
            if lfl & ECHO != 0 {
                self.echo_char(t, c, fx);
                if lfl & ECHOK != 0 {
                    self.out(t, b"\n", fx);
                }
                self.line_col = self.column;
            }
            return;
        }
        let mut seen_alnum = false;
        while let Some(&last) = self.line.last() {
            if werase {
                if last.is_ascii_alphanumeric() || last == b'_' {
                    seen_alnum = true;
                } else if seen_alnum {
                    break;
                }
            }
            // One character: with IUTF8, its continuation bytes too.
            let mut n = 1;
            while is_cont(t, self.line[self.line.len() - n]) && n < self.line.len() {
                n += 1;
            }
            let before = self.width_before(t, self.line.len() - n);
            let after = self.width_before(t, self.line.len());
            self.line.truncate(self.line.len() - n);
            if lfl & ECHO != 0 {
                if lfl & ECHOE != 0 {
                    let w = after.saturating_sub(before);
                    for _ in 0..w {
                        if last == b'\t' {
                            self.out(t, b"\x08", fx);
                        } else {
                            self.out(t, b"\x08 \x08", fx);
                        }
                    }
                } else {
                    self.echo_char(t, c, fx);
                }
            }
            if !kill && !werase {
                break;
            }
        }
    }

    /// The echo column after the first `n` bytes of the line.
    fn width_before(&self, t: &Termios, n: usize) -> u32 {
        let mut col = self.line_col;
        for &b in &self.line[..n] {
            col = match b {
                b'\t' => (col | 7) + 1,
                _ if is_ctl(b) => {
                    if t.lflag() & ECHOCTL != 0 {
                        col + 2
                    } else {
                        col
                    }
                }
                _ if is_cont(t, b) => col,
                _ => col + 1,
            };
        }
        col
    }

    /// Echoes one input byte: control characters as `^X` under ECHOCTL
    /// (not TAB or NL), everything else as itself.
    fn echo_char(&mut self, t: &Termios, c: u8, fx: &mut Effects) {
        if t.lflag() & ECHOCTL != 0 && is_ctl(c) && c != b'\t' && c != b'\n' {
            self.out(t, &[b'^', c ^ 0x40], fx);
        } else {
            self.out(t, &[c], fx);
        }
    }

    fn out(&mut self, t: &Termios, data: &[u8], fx: &mut Effects) {
        let mut v = std::mem::take(&mut fx.echo);
        self.output(t, data, &mut v);
        fx.echo = v;
    }

    /// Output processing of `data` (written by a program, or echo) into
    /// `out`, under OPOST.
    pub fn output(&mut self, t: &Termios, data: &[u8], out: &mut Vec<u8>) {
        let ofl = t.oflag();
        if ofl & OPOST == 0 {
            out.extend_from_slice(data);
            return;
        }
        for &c in data {
            match c {
                b'\n' => {
                    if ofl & ONLRET != 0 {
                        self.column = 0;
                    }
                    if ofl & ONLCR != 0 {
                        self.column = 0;
                        out.extend_from_slice(b"\r\n");
                    } else {
                        out.push(b'\n');
                    }
                }
                b'\r' => {
                    if ofl & ONOCR != 0 && self.column == 0 {
                        continue;
                    }
                    if ofl & OCRNL != 0 {
                        if ofl & ONLRET != 0 {
                            self.column = 0;
                        }
                        out.push(b'\n');
                    } else {
                        self.column = 0;
                        out.push(b'\r');
                    }
                }
                b'\t' => {
                    let spaces = 8 - (self.column & 7);
                    self.column += spaces;
                    if ofl & TABDLY == XTABS {
                        out.extend(std::iter::repeat_n(b' ', spaces as usize));
                    } else {
                        out.push(b'\t');
                    }
                }
                0x08 => {
                    self.column = self.column.saturating_sub(1);
                    out.push(c);
                }
                _ => {
                    if !is_ctl(c) && !is_cont(t, c) {
                        self.column += 1;
                    }
                    out.push(c);
                }
            }
        }
    }

    /// Bytes a read could return now: in canonical mode those of the
    /// finished lines, else the raw queue's (`FIONREAD`).
    pub fn available(&self, t: &Termios) -> usize {
        if t.canon() {
            self.lines.iter().map(Vec::len).sum()
        } else {
            self.raw.len()
        }
    }

    /// Whether a read would return at once: a finished line (or end of
    /// file) in canonical mode, any byte otherwise.
    pub fn readable(&self, t: &Termios) -> bool {
        if t.canon() {
            !self.lines.is_empty()
        } else {
            !self.raw.is_empty()
        }
    }

    /// Reads into `buf`: in canonical mode at most one line (`Some(0)` for
    /// an end of file, `None` when no line is finished); otherwise up to
    /// `buf.len()` raw bytes (`Some(0)` when there are none).
    pub fn read(&mut self, t: &Termios, buf: &mut [u8]) -> Option<usize> {
        if t.canon() {
            let line = self.lines.front_mut()?;
            let n = line.len().min(buf.len());
            buf[..n].copy_from_slice(&line[..n]);
            line.drain(..n);
            if line.is_empty() {
                self.lines.pop_front();
            }
            return Some(n);
        }
        let n = self.raw.len().min(buf.len());
        for (d, s) in buf.iter_mut().zip(self.raw.drain(..n)) {
            *d = s;
        }
        Some(n)
    }

    /// Drops all pending input (TCIFLUSH, signal characters).
    pub fn flush_input(&mut self) {
        self.lines.clear();
        self.line.clear();
        self.raw.clear();
        self.lnext = false;
    }

    /// New settings: switching canonical mode off makes the finished lines
    /// and the line being edited readable as raw bytes (end-of-file marks
    /// vanish); switching it on makes the raw bytes the line being edited.
    pub fn set_mode(&mut self, old: &Termios, new: &Termios) {
        match (old.canon(), new.canon()) {
            (true, false) => {
                for l in self.lines.drain(..) {
                    self.raw.extend(l);
                }
                self.raw.extend(self.line.drain(..));
            }
            (false, true) => {
                self.line = self.raw.drain(..).collect();
                self.line.truncate(MAX_CANON);
                self.line_col = self.column;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
#[path = "ldisc_tests.rs"]
mod tests;
