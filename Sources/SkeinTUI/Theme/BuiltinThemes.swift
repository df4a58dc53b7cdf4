/// The theme files of `themes/`, built in so the TUI has them wherever it is installed.
/// Generated from themes/*.yml; `ThemeTests` fails when they differ from the files.
enum BuiltinThemes {
    static let files: [String: String] = [
        "default": #"""
# Skein TUI theme: default (dark terminal backgrounds).
# Colours: a name (black, red, green, yellow, blue, magenta, cyan, white, their bright-
# forms, gray, default), a palette number 0-255, or #rrggbb (mapped to the 256-colour
# palette; the nearest of the 8 basic colours on terminals without it). Attributes: bold,
# dim, underline, reverse, italic (true/false). A role left out falls back to the plain text
# style; the job states and border, title and selection must be given.
name: default
description: for dark terminal backgrounds
states:
  queued: {fg: bright-blue}
  running: {fg: cyan, bold: true}
  done: {fg: green}
  failed: {fg: red, bold: true}
  retrying: {fg: yellow, bold: true}
  held: {fg: magenta}
chrome:
  text: {fg: default}
  border: {fg: bright-black}
  title: {fg: black, bg: cyan, bold: true}
  selection: {fg: black, bg: white}
  header: {fg: cyan, bold: true}
  dim: {fg: bright-black}
  key: {fg: cyan, bold: true}
  disabled: {fg: bright-black}
  match: {fg: black, bg: yellow}
  marked: {fg: magenta, bold: true}
  error: {fg: red, bold: true}
  info: {fg: green}
  tab: {fg: bright-black}
  active-tab: {fg: black, bg: cyan, bold: true}
"""#,
        "light": #"""
# Skein TUI theme: light (light terminal backgrounds). Format: see default.yml.
name: light
description: for light terminal backgrounds
states:
  queued: {fg: 24}
  running: {fg: blue, bold: true}
  done: {fg: 28}
  failed: {fg: 160, bold: true}
  retrying: {fg: 166, bold: true}
  held: {fg: 127}
chrome:
  text: {fg: default}
  border: {fg: 245}
  title: {fg: white, bg: blue, bold: true}
  selection: {fg: black, bg: 153}
  header: {fg: blue, bold: true}
  dim: {fg: 244}
  key: {fg: blue, bold: true}
  disabled: {fg: 248}
  match: {fg: black, bg: 221}
  marked: {fg: 127, bold: true}
  error: {fg: 160, bold: true}
  info: {fg: 28}
  tab: {fg: 244}
  active-tab: {fg: white, bg: blue, bold: true}
"""#,
        "high-contrast": #"""
# Skein TUI theme: high contrast (bright colours on black, bold everywhere it helps).
# Format: see default.yml.
name: high-contrast
description: bright colours on a black background
states:
  queued: {fg: bright-white, bg: black}
  running: {fg: bright-cyan, bg: black, bold: true}
  done: {fg: bright-green, bg: black, bold: true}
  failed: {fg: bright-red, bg: black, bold: true, underline: true}
  retrying: {fg: bright-yellow, bg: black, bold: true}
  held: {fg: bright-magenta, bg: black, bold: true}
chrome:
  text: {fg: bright-white, bg: black}
  border: {fg: bright-white, bg: black}
  title: {fg: black, bg: bright-white, bold: true}
  selection: {fg: black, bg: bright-yellow, bold: true}
  header: {fg: bright-yellow, bg: black, bold: true, underline: true}
  dim: {fg: white, bg: black}
  key: {fg: bright-yellow, bg: black, bold: true}
  disabled: {fg: white, bg: black, dim: true}
  match: {fg: black, bg: bright-green, bold: true}
  marked: {fg: bright-magenta, bg: black, bold: true}
  error: {fg: bright-red, bg: black, bold: true}
  info: {fg: bright-green, bg: black, bold: true}
  tab: {fg: white, bg: black}
  active-tab: {fg: black, bg: bright-white, bold: true}
"""#,
        "monochrome": #"""
# Skein TUI theme: monochrome (attributes only, no colour). Used whenever NO_COLOR is set
# or the terminal has no colours. Format: see default.yml.
name: monochrome
description: no colour, attributes only (NO_COLOR)
states:
  queued: {}
  running: {bold: true}
  done: {}
  failed: {bold: true, underline: true}
  retrying: {bold: true}
  held: {underline: true}
chrome:
  text: {}
  border: {}
  title: {reverse: true, bold: true}
  selection: {reverse: true}
  header: {bold: true}
  dim: {dim: true}
  key: {bold: true}
  disabled: {dim: true}
  match: {underline: true, bold: true}
  marked: {bold: true}
  error: {bold: true}
  info: {}
  tab: {}
  active-tab: {reverse: true}
"""#,
    ]
}
