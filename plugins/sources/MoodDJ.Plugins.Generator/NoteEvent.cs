namespace MoodDJ.Plugins.Generator;

/// <summary>The instrument parts of an arrangement (indexes into the prepared patches).</summary>
internal enum Part { Bass, Chord, Pad, Lead, Kick, Snare, Hat, OpenHat }

/// <summary>One note in a bar, in sixteenth-note steps from the bar's start.</summary>
internal readonly record struct NoteEvent(Part Part, double Step, double Length, int Midi, float Velocity, float Pan);
