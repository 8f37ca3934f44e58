#!/bin/sh
# Stand-in for WAS's manageprofiles.sh -create -profileName P -profilePath DIR -cellName C
# -nodeName N -startingPort PORT (a TEST FIXTURE): lays out the files ClusterLabs' WAS6 reads.
WAS_ROOT=$(cd "$(dirname "$0")/.." && pwd)
op="" profile="" path="" cell="" node="" port=9043 host=localhost
while [ $# -gt 0 ]; do
    case "$1" in
        -create|-delete|-listProfiles) op=$1 ;;
        -profileName) profile=$2; shift ;;
        -profilePath) path=$2; shift ;;
        -cellName) cell=$2; shift ;;
        -nodeName) node=$2; shift ;;
        -hostName) host=$2; shift ;;
        -startingPort) port=$2; shift ;;
    esac
    shift
done
if [ "$op" = -listProfiles ]; then
    printf '[%s]\n' "$(ls "$WAS_ROOT/profiles" | paste -sd, -)"; exit 0
fi
[ "$op" = -create ] && [ -n "$profile" ] || { echo "INSTCONFFAILED: usage: manageprofiles.sh -create -profileName P [-profilePath DIR] -cellName C -nodeName N -startingPort PORT"; exit 1; }
: "${cell:=${node:-Node01}Cell}" "${node:=Node01}"
dir=$WAS_ROOT/profiles/$profile
# (git and the distribution's copy keep no empty directories: make them here)
mkdir -p "$WAS_ROOT/profiles" "$WAS_ROOT/properties/fsdb" "$WAS_ROOT/logs" || exit 1
if [ -n "$path" ] && [ "$path" != "$dir" ]; then
    # The profile lives elsewhere (a shared disk); the install root links to it, as WAS's registry does.
    mkdir -p "$path" && ln -sfn "$path" "$dir"
fi
if [ -f "$dir/bin/setupCmdLine.sh" ]; then echo "INSTCONFFAILED: The profile path is not valid (it exists)."; exit 1; fi
mkdir -p "$dir/bin" "$dir/config/cells/$cell/nodes/$node" "$dir/logs"
cat >"$dir/bin/setupCmdLine.sh" <<SETUP
WAS_HOME=$WAS_ROOT
USER_INSTALL_ROOT=$dir
WAS_CELL=$cell
WAS_NODE=$node
export WAS_HOME USER_INSTALL_ROOT WAS_CELL WAS_NODE
SETUP
chmod 755 "$dir/bin/setupCmdLine.sh"
# WAS's fsdb file of the profile points at its setupCmdLine.sh (WAS6 sources both).
printf '#!/bin/sh\nWAS_USER_SCRIPT=%s/bin/setupCmdLine.sh\nexport WAS_USER_SCRIPT\n' "$dir" >"$WAS_ROOT/properties/fsdb/$profile.sh"
{
    echo '<?xml version="1.0" encoding="UTF-8"?>'
    echo '<serverindex:ServerIndex xmi:version="2.0" xmlns:xmi="http://www.omg.org/XMI" xmlns:serverindex="http://www.ibm.com/websphere/appserver/schemas/5.0/serverindex.xmi" xmi:id="ServerIndex_1" hostName="'"$host"'">'
    echo '  <serverEntries xmi:id="ServerEntry_1" serverDisplayName="server1" serverName="server1" serverType="APPLICATION_SERVER">'
    i=0
    # WAS's order: WC_defaulthost is the seventh endpoint (WAS6 fetches /snoop there).
    for ep in BOOTSTRAP_ADDRESS SOAP_CONNECTOR_ADDRESS SAS_SSL_SERVERAUTH_LISTENER_ADDRESS \
              CSIV2_SSL_SERVERAUTH_LISTENER_ADDRESS CSIV2_SSL_MUTUALAUTH_LISTENER_ADDRESS WC_adminhost \
              WC_defaulthost DCS_UNICAST_ADDRESS WC_adminhost_secure WC_defaulthost_secure; do
        i=$((i + 1))
        echo "    <specialEndpoints xmi:id=\"NamedEndPoint_$i\" endPointName=\"$ep\">"
        echo "      <endPoint xmi:id=\"EndPoint_$i\" host=\"$host\" port=\"$((port + i - 1))\"/>"
        echo "    </specialEndpoints>"
    done
    echo '  </serverEntries>'
    echo '</serverindex:ServerIndex>'
} >"$dir/config/cells/$cell/nodes/$node/serverindex.xml"
grep -q "^defaultProfile=" "$WAS_ROOT/properties/profileRegistry.properties" 2>/dev/null ||
    echo "defaultProfile=$profile" >>"$WAS_ROOT/properties/profileRegistry.properties"
echo "INSTCONFSUCCESS: Success: Profile $profile now exists."
