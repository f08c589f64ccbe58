#!/usr/bin/env bash
# Installs the Debian packages the station needs (run as root on a fresh machine).
# Idempotent: only missing packages are installed; as non-root it prints the command instead.
set -euo pipefail

PACKAGES=(
  python3-venv                 # the .venv
  gcc python3-dev              # the rig driver's C request path (drivers/rig/_fastlink.c)
  libgl1 libegl1 libfontconfig1 libglib2.0-0 libxkbcommon0 libdbus-1-3   # Qt and OpenCV wheels
  libusb-1.0-0                 # pyusb's libusb1 backend (real phones over USB)
  adb                          # conformance test: Google's adb client against our simulated phone
  chromium                     # overlay tests in headless Chromium
  openssl                      # report verification with openssl pkeyutl
  poppler-utils                # report PDF -> PNG for visual checks
  fonts-noto-cjk               # zh-CN text in the overlay, PDF and app
  xvfb xauth libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
  libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0 libx11-xcb1    # real-window screenshots
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "setup-system: missing Debian packages: ${missing[*]}" >&2
  echo "setup-system: run as root:  apt-get install -y --no-install-recommends ${missing[*]}" >&2
  echo "setup-system: continuing; tests that need them will say what is missing." >&2
  exit 0
fi

echo "setup-system: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
