"""What every service of the emulator shares, as moto's own `moto/core`: the emulated clock and its
timers, the call counts, the replay of an answer an SDK never got, and the control routes."""
