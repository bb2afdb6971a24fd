use super::*;
use crate::tty::termios::{cc, iflag, lflag, oflag};

fn feed(l: &mut Ldisc, t: &Termios, data: &[u8]) -> Effects {
    let mut fx = Effects::default();
    assert_eq!(l.input(t, data, &mut fx), data.len());
    fx
}

fn read_all(l: &mut Ldisc, t: &Termios) -> Vec<u8> {
    let mut buf = [0u8; 256];
    let n = l.read(t, &mut buf).expect("readable");
    buf[..n].to_vec()
}

fn raw() -> Termios {
    let mut t = Termios::default();
    t.set_lflag(t.lflag() & !(lflag::ICANON | lflag::ECHO));
    t
}

#[test]
fn canonical_lines_echo_and_crnl() {
    let t = Termios::default();
    let mut l = Ldisc::default();
    let fx = feed(&mut l, &t, b"ab");
    assert_eq!(fx.echo, b"ab");
    assert!(!l.readable(&t), "no line until a newline");
    let mut buf = [0u8; 8];
    assert_eq!(l.read(&t, &mut buf), None);
    // CR becomes NL (ICRNL), echoed as CR NL (ONLCR).
    let fx = feed(&mut l, &t, b"\rcd\n");
    assert_eq!(fx.echo, b"\r\ncd\r\n");
    assert_eq!(l.available(&t), 6);
    assert_eq!(read_all(&mut l, &t), b"ab\n", "one line per read");
    assert_eq!(read_all(&mut l, &t), b"cd\n");
    assert!(!l.readable(&t));
}

#[test]
fn short_reads_keep_the_rest_of_the_line() {
    let t = Termios::default();
    let mut l = Ldisc::default();
    feed(&mut l, &t, b"hello\n");
    let mut buf = [0u8; 2];
    assert_eq!(l.read(&t, &mut buf), Some(2));
    assert_eq!(&buf, b"he");
    assert_eq!(read_all(&mut l, &t), b"llo\n");
}

#[test]
fn erase_kill_and_word_erase() {
    let t = Termios::default();
    let mut l = Ldisc::default();
    // DEL erases one character, visually (ECHOE).
    let fx = feed(&mut l, &t, b"abc\x7f");
    assert_eq!(fx.echo, b"abc\x08 \x08");
    // ^W erases the word and the spaces before the cursor.
    let fx = feed(&mut l, &t, b" foo_1 \x17");
    assert_eq!(
        fx.echo,
        b" foo_1 \x08 \x08\x08 \x08\x08 \x08\x08 \x08\x08 \x08\x08 \x08"
    );
    feed(&mut l, &t, b"\n");
    assert_eq!(read_all(&mut l, &t), b"ab \n");
    // ^U kills the line (ECHOKE: erased visually).
    let fx = feed(&mut l, &t, b"xy\x15z\n");
    assert_eq!(fx.echo, b"xy\x08 \x08\x08 \x08z\r\n");
    assert_eq!(read_all(&mut l, &t), b"z\n");
    // Erasing an empty line does nothing.
    assert_eq!(feed(&mut l, &t, b"\x7f").echo, b"");
}

#[test]
fn erase_control_characters_tabs_and_utf8() {
    let mut t = Termios::default();
    let mut l = Ldisc::default();
    // ^A echoes as two columns and erases as two.
    let fx = feed(&mut l, &t, b"\x01\x7f");
    assert_eq!(fx.echo, b"^A\x08 \x08\x08 \x08");
    // A tab after 3 columns spans 5.
    let fx = feed(&mut l, &t, b"abc\t\x7f");
    assert_eq!(fx.echo, b"abc\t\x08\x08\x08\x08\x08");
    // With IUTF8 one erase removes a whole character.
    t.set_iflag(t.iflag() | iflag::IUTF8);
    let fx = feed(&mut l, &t, "é\x7f\n".as_bytes());
    assert_eq!(fx.echo, "é\x08 \x08\r\n".as_bytes());
    assert_eq!(read_all(&mut l, &t), b"abc\n");
}

#[test]
fn kill_without_echoke_echoes_the_character_and_a_newline() {
    let mut t = Termios::default();
    t.set_lflag(t.lflag() & !lflag::ECHOKE);
    let mut l = Ldisc::default();
    let fx = feed(&mut l, &t, b"ab\x15");
    assert_eq!(fx.echo, b"ab^U\r\n");
}

#[test]
fn eof_at_line_start_and_mid_line() {
    let t = Termios::default();
    let mut l = Ldisc::default();
    let fx = feed(&mut l, &t, b"ab\x04");
    assert_eq!(fx.echo, b"ab", "VEOF is not echoed");
    assert_eq!(
        read_all(&mut l, &t),
        b"ab",
        "VEOF ends the line without itself"
    );
    feed(&mut l, &t, b"\x04");
    assert!(l.readable(&t));
    assert_eq!(
        read_all(&mut l, &t),
        b"",
        "VEOF on an empty line: end of file"
    );
    assert!(!l.readable(&t));
}

#[test]
fn signal_characters_flush_and_echo() {
    let t = Termios::default();
    let mut l = Ldisc::default();
    feed(&mut l, &t, b"partial");
    let fx = feed(&mut l, &t, b"\x03");
    assert_eq!(fx.signals, vec![SIGINT]);
    assert_eq!(fx.echo, b"^C");
    feed(&mut l, &t, b"\n");
    assert_eq!(read_all(&mut l, &t), b"\n", "the partial line was flushed");
    let fx = feed(&mut l, &t, b"\x1c\x1a");
    assert_eq!(fx.signals, vec![SIGQUIT, SIGTSTP]);
    // Without ISIG they are data.
    let mut t2 = Termios::default();
    t2.set_lflag(t2.lflag() & !lflag::ISIG);
    let fx = feed(&mut l, &t2, b"\x03\n");
    assert!(fx.signals.is_empty());
    assert_eq!(read_all(&mut l, &t2), b"\x03\n");
    // NOFLSH keeps the queue; a disabled (0) character never matches.
    let mut t3 = Termios::default();
    t3.set_lflag(t3.lflag() | lflag::NOFLSH);
    t3.set_cc(cc::VQUIT, 0);
    feed(&mut l, &t3, b"keep");
    let fx = feed(&mut l, &t3, b"\x03\x00\n");
    assert_eq!(fx.signals, vec![SIGINT]);
    assert_eq!(read_all(&mut l, &t3), b"keep\x00\n");
}

#[test]
fn echo_flags() {
    let mut t = Termios::default();
    t.set_lflag(t.lflag() & !lflag::ECHO);
    let mut l = Ldisc::default();
    assert_eq!(feed(&mut l, &t, b"secret\n").echo, b"");
    t.set_lflag(t.lflag() | lflag::ECHONL);
    assert_eq!(
        feed(&mut l, &t, b"pw\n").echo,
        b"\r\n",
        "ECHONL echoes only NL"
    );
    let mut t = Termios::default();
    t.set_lflag(t.lflag() & !lflag::ECHOCTL);
    assert_eq!(feed(&mut l, &t, b"\x01").echo, b"\x01");
}

#[test]
fn cr_nl_input_mapping() {
    let mut t = raw();
    let mut l = Ldisc::default();
    t.set_iflag(iflag::IGNCR);
    feed(&mut l, &t, b"a\rb");
    assert_eq!(read_all(&mut l, &t), b"ab");
    t.set_iflag(iflag::INLCR);
    feed(&mut l, &t, b"\n");
    assert_eq!(read_all(&mut l, &t), b"\r");
    t.set_iflag(0);
    feed(&mut l, &t, b"\r\n");
    assert_eq!(read_all(&mut l, &t), b"\r\n");
}

#[test]
fn raw_mode_reads_bytes_and_echoes_when_asked() {
    let mut t = raw();
    let mut l = Ldisc::default();
    assert_eq!(feed(&mut l, &t, b"x\x7fy").echo, b"");
    assert_eq!(l.available(&t), 3);
    let mut buf = [0u8; 2];
    assert_eq!(l.read(&t, &mut buf), Some(2));
    assert_eq!(&buf, b"x\x7f");
    assert_eq!(read_all(&mut l, &t), b"y");
    assert_eq!(l.read(&t, &mut buf), Some(0), "raw reads never wait here");
    t.set_lflag(t.lflag() | lflag::ECHO);
    assert_eq!(feed(&mut l, &t, b"q\x01\r").echo, b"q^A\r\n");
}

#[test]
fn raw_queue_is_bounded() {
    let t = raw();
    let mut l = Ldisc::default();
    let big = vec![b'a'; MAX_INPUT + 10];
    let mut fx = Effects::default();
    assert_eq!(l.input(&t, &big, &mut fx), MAX_INPUT);
}

#[test]
fn canonical_lines_are_bounded() {
    let mut t = Termios::default();
    t.set_lflag(t.lflag() & !lflag::ECHO);
    let mut l = Ldisc::default();
    feed(&mut l, &t, &vec![b'a'; MAX_CANON + 100]);
    feed(&mut l, &t, b"\n");
    assert_eq!(
        l.available(&t),
        MAX_CANON + 1,
        "extra characters are dropped"
    );
}

#[test]
fn mode_switches_keep_pending_input() {
    let canon = Termios::default();
    let r = raw();
    let mut l = Ldisc::default();
    feed(&mut l, &canon, b"one\ntw");
    l.set_mode(&canon, &r);
    assert_eq!(read_all(&mut l, &r), b"one\ntw");
    feed(&mut l, &r, b"ab");
    l.set_mode(&r, &canon);
    feed(&mut l, &canon, b"c\n");
    assert_eq!(read_all(&mut l, &canon), b"abc\n");
}

#[test]
fn lnext_and_reprint() {
    let t = Termios::default();
    let mut l = Ldisc::default();
    let fx = feed(&mut l, &t, b"\x16\x03");
    assert!(fx.signals.is_empty(), "^V^C is a literal ^C");
    assert_eq!(fx.echo, b"^\x08^C");
    let fx = feed(&mut l, &t, b"x\x12");
    assert_eq!(fx.echo, b"x^R\r\n^Cx");
    feed(&mut l, &t, b"\n");
    assert_eq!(read_all(&mut l, &t), b"\x03x\n");
}

#[test]
fn output_processing() {
    let mut t = Termios::default();
    let mut l = Ldisc::default();
    let mut out = Vec::new();
    l.output(&t, b"a\nb\tc", &mut out);
    assert_eq!(out, b"a\r\nb\tc");
    t.set_oflag(oflag::OPOST | oflag::XTABS | oflag::OCRNL);
    out.clear();
    l.output(&t, b"\t\rx", &mut out);
    // "b\tc" left the column at 9; the tab goes to 16.
    assert_eq!(out, b"       \nx");
    t.set_oflag(oflag::OPOST | oflag::ONOCR);
    out.clear();
    l.output(&t, b"\r\r", &mut out);
    assert_eq!(out, b"\r", "ONOCR: no CR at column 0");
    t.set_oflag(0);
    out.clear();
    l.output(&t, b"\n\t", &mut out);
    assert_eq!(out, b"\n\t", "no OPOST: bytes pass unchanged");
}
