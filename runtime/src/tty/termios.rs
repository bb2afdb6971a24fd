//! [`Termios`]: a terminal's settings, kept as the bytes of the kernel's
//! riscv64 `struct termios2` (what `TCGETS2` copies out; `TCGETS` copies the
//! first [`TERMIOS_LEN`] bytes), with accessors for the flags and control
//! characters the line discipline reads. Keeping the raw bytes (rather than
//! a decoded struct) makes `TCSETS` followed by `TCGETS` return exactly what
//! the guest stored, as Linux does, including bits nothing here acts on.

/// Size of the kernel's `struct termios2` (riscv64): four `tcflag_t`,
/// `c_line`, 19 `c_cc`, then input and output speeds.
pub const TERMIOS2_LEN: usize = 44;
/// Size of the kernel's `struct termios` (the first 36 bytes of termios2).
pub const TERMIOS_LEN: usize = 36;

/// `c_cc` indices (asm-generic).
pub mod cc {
    /// Interrupt (^C): SIGINT.
    pub const VINTR: usize = 0;
    /// Quit (^\): SIGQUIT.
    pub const VQUIT: usize = 1;
    /// Erase one character (DEL).
    pub const VERASE: usize = 2;
    /// Erase the line (^U).
    pub const VKILL: usize = 3;
    /// End of file (^D).
    pub const VEOF: usize = 4;
    /// Read timeout in deciseconds (non-canonical mode).
    pub const VTIME: usize = 5;
    /// Minimum bytes of a read (non-canonical mode).
    pub const VMIN: usize = 6;
    /// Resume output (^Q).
    pub const VSTART: usize = 8;
    /// Stop output (^S).
    pub const VSTOP: usize = 9;
    /// Suspend (^Z): SIGTSTP.
    pub const VSUSP: usize = 10;
    /// Additional end of line.
    pub const VEOL: usize = 11;
    /// Reprint the line (^R).
    pub const VREPRINT: usize = 12;
    /// Erase a word (^W).
    pub const VWERASE: usize = 14;
    /// Take the next character literally (^V).
    pub const VLNEXT: usize = 15;
    /// Second additional end of line.
    pub const VEOL2: usize = 16;
}

/// `c_iflag` bits.
pub mod iflag {
    /// Strip the eighth bit.
    pub const ISTRIP: u32 = 0o40;
    /// Map NL to CR on input.
    pub const INLCR: u32 = 0o100;
    /// Ignore CR on input.
    pub const IGNCR: u32 = 0o200;
    /// Map CR to NL on input.
    pub const ICRNL: u32 = 0o400;
    /// Start/stop output control (^S/^Q).
    pub const IXON: u32 = 0o2000;
    /// Input is UTF-8 (erase removes whole characters).
    pub const IUTF8: u32 = 0o40000;
}

/// `c_oflag` bits.
pub mod oflag {
    /// Post-process output.
    pub const OPOST: u32 = 0o1;
    /// Map NL to CR-NL on output.
    pub const ONLCR: u32 = 0o4;
    /// Map CR to NL on output.
    pub const OCRNL: u32 = 0o10;
    /// No CR output at column 0.
    pub const ONOCR: u32 = 0o20;
    /// NL performs the CR function.
    pub const ONLRET: u32 = 0o40;
    /// Horizontal tab delay mask; `XTABS` expands tabs to spaces.
    pub const TABDLY: u32 = 0o14000;
    /// Expand tabs to spaces.
    pub const XTABS: u32 = 0o14000;
}

/// `c_lflag` bits.
pub mod lflag {
    /// Generate signals for VINTR, VQUIT, VSUSP.
    pub const ISIG: u32 = 0o1;
    /// Canonical (line-edited) input.
    pub const ICANON: u32 = 0o2;
    /// Echo input.
    pub const ECHO: u32 = 0o10;
    /// Erase characters visually.
    pub const ECHOE: u32 = 0o20;
    /// Echo NL after VKILL.
    pub const ECHOK: u32 = 0o40;
    /// Echo NL even without ECHO.
    pub const ECHONL: u32 = 0o100;
    /// Do not flush the queues on a signal character.
    pub const NOFLSH: u32 = 0o200;
    /// SIGTTOU for background writes.
    pub const TOSTOP: u32 = 0o400;
    /// Echo control characters as `^X`.
    pub const ECHOCTL: u32 = 0o1000;
    /// VKILL erases the line visually.
    pub const ECHOKE: u32 = 0o4000;
    /// Extended input processing (VWERASE, VLNEXT, VREPRINT).
    pub const IEXTEN: u32 = 0o100000;
}

/// A terminal's settings (see the module doc).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Termios(pub [u8; TERMIOS2_LEN]);

impl Default for Termios {
    /// Linux's `tty_std_termios`: ICRNL|IXON, OPOST|ONLCR,
    /// B38400|CS8|CREAD|HUPCL, ISIG|ICANON|ECHO|ECHOE|ECHOK|ECHOCTL|ECHOKE|IEXTEN,
    /// the usual control characters (^C ^\ DEL ^U ^D, VMIN 1, ^Q ^S ^Z ^R ^O
    /// ^W ^V) and 38400 baud both ways.
    fn default() -> Self {
        let mut t = [0u8; TERMIOS2_LEN];
        let flags: [u32; 4] = [0o2400, 0o5, 0o2277, 0o105073];
        for (i, f) in flags.iter().enumerate() {
            t[i * 4..i * 4 + 4].copy_from_slice(&f.to_le_bytes());
        }
        let cc: [u8; 17] = [
            0o3, 0o34, 0o177, 0o25, 0o4, 0, 1, 0, 0o21, 0o23, 0o32, 0, 0o22, 0o17, 0o27, 0o26, 0,
        ];
        t[17..17 + cc.len()].copy_from_slice(&cc);
        t[36..40].copy_from_slice(&38400u32.to_le_bytes());
        t[40..44].copy_from_slice(&38400u32.to_le_bytes());
        Termios(t)
    }
}

impl Termios {
    fn word(&self, i: usize) -> u32 {
        u32::from_le_bytes([
            self.0[i * 4],
            self.0[i * 4 + 1],
            self.0[i * 4 + 2],
            self.0[i * 4 + 3],
        ])
    }

    fn set_word(&mut self, i: usize, v: u32) {
        self.0[i * 4..i * 4 + 4].copy_from_slice(&v.to_le_bytes());
    }

    /// `c_iflag`.
    pub fn iflag(&self) -> u32 {
        self.word(0)
    }
    /// `c_oflag`.
    pub fn oflag(&self) -> u32 {
        self.word(1)
    }
    /// `c_lflag`.
    pub fn lflag(&self) -> u32 {
        self.word(3)
    }
    /// Sets `c_lflag`.
    pub fn set_lflag(&mut self, v: u32) {
        self.set_word(3, v)
    }
    /// Sets `c_iflag`.
    pub fn set_iflag(&mut self, v: u32) {
        self.set_word(0, v)
    }
    /// Sets `c_oflag`.
    pub fn set_oflag(&mut self, v: u32) {
        self.set_word(1, v)
    }
    /// Control character `i` (`c_cc[i]`); 0 means disabled.
    pub fn cc(&self, i: usize) -> u8 {
        self.0[17 + i]
    }
    /// Sets control character `i`.
    pub fn set_cc(&mut self, i: usize, v: u8) {
        self.0[17 + i] = v;
    }
    /// Whether input character `c` is the (enabled) control character `i`.
    pub fn is(&self, i: usize, c: u8) -> bool {
        let v = self.cc(i);
        v != 0 && v == c
    }
    /// Whether canonical mode is on.
    pub fn canon(&self) -> bool {
        self.lflag() & lflag::ICANON != 0
    }
}
