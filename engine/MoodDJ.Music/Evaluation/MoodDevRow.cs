namespace MoodDJ.Music.Evaluation;

/// <summary>
/// One gold row of a mood development set (mood_dev.tsv: text, mood, valence, arousal, source).
/// <see cref="Mood"/> is empty for rows kept only for valence/arousal; V/A are null where not rated.
/// </summary>
public sealed record MoodDevRow(string Text, string Mood, double? Valence, double? Arousal, string Source);

/// <summary>One analyzer prediction, in the shape score.py reads (text, predicted_mood, valence, arousal).</summary>
public sealed record MoodPrediction(string Text, string Mood, double? Valence, double? Arousal);

/// <summary>Precision, recall and F1 of one gold mood.</summary>
public sealed record MoodClassScore(string Mood, double Precision, double Recall, double F1, int Support);
