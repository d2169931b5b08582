# Dot-sourced (after Common.ps1) by the Pester files that drive an interactive pwsh on a real
# terminal (tmux's pty), so that Ctrl+C is a real SIGINT handled by the console host as a key
# press: ListenerLifecycle (Start-JournalListener -Wait) and Export (Export- and Import-JournalMessage).
if (-not (Get-Command tmux -ErrorAction SilentlyContinue)) {
    throw 'tmux is missing: build.ps1 -Task Test installs it with apt.'
}

# An interactive pwsh on a terminal of its own: a private tmux server (-L) so nothing else is
# touched, a pty so the console host handles SIGINT as a Ctrl+C from a keyboard.
function Start-TerminalPwsh {
    $terminal = [pscustomobject]@{ Socket = 'mj-' + [guid]::NewGuid().ToString('n').Substring(0, 12); Session = 'pwsh' }
    & tmux -L $terminal.Socket new-session -d -s $terminal.Session -x 220 -y 50 -c $RepoRoot 'dotnet pwsh -NoProfile -NoLogo'
    if ($LASTEXITCODE -ne 0) { throw 'tmux could not start a terminal.' }
    # Type only once the prompt is there: keys sent earlier reach the terminal before pwsh reads it.
    if (-not (Wait-Until { (Get-TerminalScreen $terminal) -match '(?m)^PS .*> ?$' } -Seconds 90)) {
        Stop-TerminalPwsh $terminal
        throw "The terminal's pwsh showed no prompt within 90 s."
    }
    $terminal
}

# Types one line at the terminal's prompt and presses Enter.
function Send-TerminalLine($Terminal, [string] $Line) {
    & tmux -L $Terminal.Socket send-keys -t $Terminal.Session -l $Line
    & tmux -L $Terminal.Socket send-keys -t $Terminal.Session Enter
}

function Get-TerminalScreen($Terminal) { (& tmux -L $Terminal.Socket capture-pane -p -t $Terminal.Session) -join "`n" }

function Stop-TerminalPwsh($Terminal) {
    if ($Terminal) { & tmux -L $Terminal.Socket kill-server 2>$null }
}

# A file the terminal's pwsh writes and the test reads: $null until it exists and has text.
# Set-Content creates the file before it writes, so a poll can find it empty (Get-Content -Raw
# then returns $null); that is "not yet", not an error.
function Read-TerminalFile([string] $Path) {
    if (Test-Path -LiteralPath $Path) {
        $text = Get-Content -LiteralPath $Path -Raw -ErrorAction SilentlyContinue
        if ($text) { $text.Trim() }
    }
}
