# A libtorrent peer for MoodDJ's swarm interop tests (Debian's python3-libtorrent, run with /usr/bin/python3).
#   seed FILE TORRENT_OUT       hash FILE into a hybrid v1+v2 torrent, write it, and seed it on 127.0.0.1
#   download TORRENT DIR [PEER] download TORRENT into DIR from PEER (host:port), or from the peers its tracker lists, then print "finished"
# DHT, local discovery, UPnP and NAT-PMP are off: it talks to 127.0.0.1 only. uTP is off: MoodDJ peers speak TCP.
import sys, time, libtorrent as lt
mode = sys.argv[1]
s = lt.session({'listen_interfaces': '127.0.0.1:0', 'enable_dht': False, 'enable_lsd': False, 'enable_upnp': False,
                'enable_natpmp': False, 'enable_outgoing_utp': False, 'enable_incoming_utp': False, 'alert_mask': lt.alert.category_t.error_notification | lt.alert.category_t.status_notification,
                'allow_multiple_connections_per_ip': True})
if mode == 'seed':
    path, torrent_out = sys.argv[2], sys.argv[3]
    import os
    fs = lt.file_storage(); lt.add_files(fs, path)
    t = lt.create_torrent(fs, 32768)
    lt.set_piece_hashes(t, os.path.dirname(os.path.abspath(path)))
    open(torrent_out, 'wb').write(lt.bencode(t.generate()))
    h = s.add_torrent({'ti': lt.torrent_info(torrent_out), 'save_path': os.path.dirname(os.path.abspath(path))})
else:
    torrent, save = sys.argv[2], sys.argv[3]
    peer = sys.argv[4] if len(sys.argv) > 4 else None
    h = s.add_torrent({'ti': lt.torrent_info(torrent), 'save_path': save})
    if peer: host, port = peer.rsplit(':', 1)
announced = False
for i in range(1200):
    st = h.status()
    if mode != 'seed' and peer and i % 10 == 0: h.connect_peer((host, int(port)))
    if i % 20 == 0: print(f"state {st.state} progress {st.progress:.3f} seeding {st.is_seeding} port {s.listen_port()}", flush=True)
    if mode == 'seed' and st.is_seeding and not announced:
        print(f"seeding port {s.listen_port()}", flush=True); announced = True
    if mode != 'seed' and st.is_seeding: print("finished", flush=True); break
    time.sleep(0.1)
